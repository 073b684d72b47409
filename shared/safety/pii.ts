// Personal data that must not ship in generated copy: e-mail addresses, phone numbers, payment cards (Luhn),
// US social security numbers, IBANs (mod 97) and street addresses. Findings carry a masked form only.

export type PiiKind = "email" | "phone" | "credit_card" | "ssn" | "iban" | "street_address";

export interface PiiFinding {
  kind: PiiKind;
  severity: number;
  /** Safe to log and show: never the full value. */
  masked: string;
  /** Why this severity, for the reason line. */
  note: string;
}

export interface PiiOptions {
  /** Exact addresses the brand may print (case-insensitive), e.g. "support@aura-demo.shop". */
  allowedEmails?: readonly string[];
  /** Domains (and their subdomains) whose addresses are the brand's own, e.g. "aura-demo.shop". */
  allowedEmailDomains?: readonly string[];
}

/**
 * Severities. A card or SSN in marketing copy is a leak of the most sensitive kind; an unknown personal
 * address or phone number blocks; a role address of some other domain (support@, info@) is not personal data
 * but is not ours either, so it shows without blocking; a postal address is shown only, because marketing
 * e-mail must carry the sender's own (CAN-SPAM).
 */
export const PII_SEVERITY = { credit_card: 6, ssn: 6, iban: 5, email: 4, phone: 4, role_email: 2, street_address: 2 } as const;

// Local parts that name a function, not a person (RFC 2142 and common practice).
const ROLE_LOCAL_PARTS: ReadonlySet<string> = new Set([
  "support", "help", "hello", "hi", "info", "contact", "team", "sales", "billing", "orders", "order", "shop", "store",
  "noreply", "no-reply", "donotreply", "do-not-reply", "privacy", "legal", "press", "media", "care", "service",
  "customerservice", "customercare", "feedback", "unsubscribe", "newsletter", "news", "marketing", "admin",
  "webmaster", "postmaster", "hostmaster", "abuse", "security", "careers", "jobs", "hr", "partners", "affiliates",
]);

// Bounded quantifiers keep every scan linear in the text length (RFC 5321 limits: local part 64, label 63).
const EMAIL = /(?<![a-z0-9._%+-])([a-z0-9._%+-]{1,64})@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24})(?![a-z0-9-])/gi;
// 13–19 digits, single spaces or dashes allowed between them.
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g;
const SSN = /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g;
// Two letters, two check digits, then 11–30 alphanumerics: written solid, or in groups of four and a shorter
// last group. The grouped form may swallow a following four-letter word; `ibanAt` then drops trailing groups.
const IBAN = /(?<![a-z0-9])([a-z]{2}\d{2}(?:(?: [a-z0-9]{4}){2,7}(?: [a-z0-9]{1,4})?|[a-z0-9]{11,30}))(?![a-z0-9])/gi;
// North American numbers: optional +1, area code in parentheses or followed by a separator, 3-4 digits.
const NANP_PHONE = /(?<![\d+])(?:\+?1[ .-]?)?(?:\((\d{3})\) ?|(\d{3})[ .-])(\d{3})[ .-](\d{4})(?![\d])/g;
// International: a leading "+", then 7–14 more digits in groups (E.164 allows 15 in all).
const INTL_PHONE = /(?<![\w+])\+(?:\d[ .-]?){1,3}(?:\(?\d{1,5}\)?[ .-]?){1,5}\d{2,5}(?![\d])/g;
const STREET = /(?<![\w])\d{1,5}(?: [a-z][a-z'.-]{0,20}){1,3} (?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|terrace|parkway|pkwy)\b\.?/gi;

const DIGITS_HINT = /\d{3}/;
// US toll-free area codes: numbers of businesses, never of a customer.
const TOLL_FREE = new Set(["800", "833", "844", "855", "866", "877", "888"]);
// IBAN length per country (SWIFT IBAN registry). A candidate must name one of these countries and have its
// exact length before the checksum is even computed: random "ab12 cdef…" text then almost never qualifies.
const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18,
  GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21,
  LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28,
  PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23,
  TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** Luhn (mod 10) check on a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes of the card networks (ISO/IEC 7812 IIN ranges): a random 16-digit id rarely has one. */
function cardNetwork(digits: string): string | null {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p4 = Number(digits.slice(0, 4));
  if (digits.startsWith("4") && (n === 13 || n === 16 || n === 19)) return "Visa";
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return "Mastercard";
  if ((p2 === 34 || p2 === 37) && n === 15) return "American Express";
  if ((digits.startsWith("6011") || p2 === 65 || (p4 >= 6440 && p4 <= 6499)) && n >= 16) return "Discover";
  if (p2 === 35 && n >= 16) return "JCB";
  if ((p2 === 36 || p2 === 38 || digits.startsWith("30")) && n >= 14) return "Diners Club";
  if (p2 === 62 && n >= 16) return "UnionPay";
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 12) return "Maestro";
  return null;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 must be 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  if (IBAN_LENGTH[s.slice(0, 2)] !== s.length) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const d of value) remainder = (remainder * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/** "jane.doe@example.com" -> "j***@example.com". */
export function maskEmail(local: string, domain: string): string {
  return `${local.slice(0, 1)}***@${domain}`;
}

/** Every digit but the last four becomes "*", separators kept: "4242 4242 4242 4242" -> "**** **** **** 4242". */
export function maskDigits(value: string, keepLast = 4): string {
  const total = value.replace(/\D/g, "").length;
  let seen = 0;
  let out = "";
  for (const ch of value) {
    if (ch >= "0" && ch <= "9") {
      seen++;
      out += seen > total - keepLast ? ch : "*";
    } else out += ch;
  }
  return out;
}

/** The longest valid IBAN at the start of a grouped candidate ("de89 3704 … 00 code" -> without "code"). */
function ibanAt(candidate: string): string | null {
  const groups = candidate.split(" ");
  for (let k = groups.length; k >= 1; k--) {
    const iban = groups.slice(0, k).join(" ");
    if (ibanValid(iban)) return iban;
  }
  return null;
}

function maskIban(value: string): string {
  const compact = value.replace(/ /g, "").toUpperCase();
  return `${compact.slice(0, 2)}** **** ${compact.slice(-4)}`;
}

function domainAllowed(domain: string, allowed: readonly string[]): boolean {
  for (const d of allowed) {
    const a = d.toLowerCase().replace(/^@/, "");
    if (domain === a || domain.endsWith(`.${a}`)) return true;
  }
  return false;
}

/**
 * Finds personal data in `text` (the screen passes its folded, lowercased form). Spans already claimed by a
 * stronger kind are blanked before weaker kinds look, so a card number is not also read as a phone number.
 */
export function findPii(text: string, opts: PiiOptions = {}): PiiFinding[] {
  const findings: PiiFinding[] = [];
  const hasAt = text.includes("@");
  if (!hasAt && !DIGITS_HINT.test(text)) return findings;
  let rest = text;
  const claim = (start: number, length: number) => {
    rest = rest.slice(0, start) + " ".repeat(length) + rest.slice(start + length);
  };

  if (hasAt) {
    const allowedEmails = new Set((opts.allowedEmails ?? []).map((e) => e.toLowerCase()));
    const allowedDomains = opts.allowedEmailDomains ?? [];
    for (const m of text.matchAll(EMAIL)) {
      const local = m[1]!.toLowerCase();
      const domain = m[2]!.toLowerCase();
      claim(m.index, m[0].length);
      if (allowedEmails.has(`${local}@${domain}`) || domainAllowed(domain, allowedDomains)) continue;
      const role = ROLE_LOCAL_PARTS.has(local.replace(/\+.*$/, ""));
      findings.push({
        kind: "email",
        severity: role ? PII_SEVERITY.role_email : PII_SEVERITY.email,
        masked: maskEmail(local, domain),
        note: role ? "role address of a domain not on the allowed list" : "e-mail address",
      });
    }
  }
  if (!DIGITS_HINT.test(rest)) return findings;

  for (const m of rest.matchAll(CARD)) {
    const digits = m[0].replace(/\D/g, "");
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) continue;
    const network = cardNetwork(digits);
    if (network === null) continue;
    findings.push({ kind: "credit_card", severity: PII_SEVERITY.credit_card, masked: maskDigits(m[0]), note: `${network} card number, Luhn-valid` });
    claim(m.index, m[0].length);
  }
  for (const m of rest.matchAll(IBAN)) {
    const iban = ibanAt(m[1]!);
    if (iban === null) continue;
    findings.push({ kind: "iban", severity: PII_SEVERITY.iban, masked: maskIban(iban), note: "IBAN, checksum-valid" });
    claim(m.index, iban.length);
  }
  for (const m of rest.matchAll(SSN)) {
    const [area, group, serial] = [m[1]!, m[3]!, m[4]!];
    // SSA never issues area 000, 666 or 900–999, group 00 or serial 0000.
    if (area === "000" || area === "666" || area >= "900" || group === "00" || serial === "0000") continue;
    findings.push({ kind: "ssn", severity: PII_SEVERITY.ssn, masked: `***-**-${serial}`, note: "US social security number" });
    claim(m.index, m[0].length);
  }
  for (const m of rest.matchAll(NANP_PHONE)) {
    const area = m[1] ?? m[2]!;
    const exchange = m[3]!;
    // Area codes and exchanges start with 2–9; anything else is a code or an id, not a phone number.
    if (area < "200" || exchange < "200") continue;
    claim(m.index, m[0].length);
    if (TOLL_FREE.has(area)) continue;
    findings.push({ kind: "phone", severity: PII_SEVERITY.phone, masked: maskDigits(m[0], 2), note: "phone number" });
  }
  for (const m of rest.matchAll(INTL_PHONE)) {
    const digits = m[0].replace(/\D/g, "").length;
    if (digits < 8 || digits > 15) continue;
    findings.push({ kind: "phone", severity: PII_SEVERITY.phone, masked: maskDigits(m[0], 2), note: "international phone number" });
    claim(m.index, m[0].length);
  }
  for (const m of rest.matchAll(STREET)) {
    findings.push({ kind: "street_address", severity: PII_SEVERITY.street_address, masked: m[0].replace(/^\d+/, "***"), note: "street address" });
  }
  return findings;
}
