// Personal data detectors: known-answer checksums (Luhn, IBAN mod 97), each format found and masked, and the
// numbers marketing copy is full of (prices, dates, order ids, toll-free lines) left alone.
import { describe, it, expect } from "vitest";
import { findPii, ibanValid, luhnValid, maskDigits, maskEmail } from "./pii";

const kinds = (text: string, opts = {}) => findPii(text.toLowerCase(), opts).map((f) => f.kind);

describe("checksums", () => {
  it("Luhn accepts valid card numbers and rejects one wrong digit", () => {
    expect(luhnValid("4242424242424242")).toBe(true);
    expect(luhnValid("4242424242424241")).toBe(false);
    expect(luhnValid("378282246310005")).toBe(true); // Amex test number
    expect(luhnValid("79927398713")).toBe(true); // the textbook example
    expect(luhnValid("79927398710")).toBe(false);
    expect(luhnValid("4242-4242")).toBe(false);
  });

  it("IBAN mod 97 accepts registry examples and rejects a changed digit or wrong length", () => {
    expect(ibanValid("DE89 3704 0044 0532 0130 00")).toBe(true);
    expect(ibanValid("GB82 WEST 1234 5698 7654 32")).toBe(true);
    expect(ibanValid("FR14 2004 1010 0505 0001 3M02 606")).toBe(true);
    expect(ibanValid("DE89 3704 0044 0532 0130 01")).toBe(false);
    expect(ibanValid("DE89 3704 0044 0532 0130")).toBe(false);
    expect(ibanValid("ZZ89 3704 0044 0532 0130 00")).toBe(false);
  });
});

describe("masking", () => {
  it("keeps the first letter of an address and the last four digits of a number", () => {
    expect(maskEmail("jane.doe", "example.com")).toBe("j***@example.com");
    expect(maskDigits("4242 4242 4242 4242")).toBe("**** **** **** 4242");
    expect(maskDigits("4242-4242-4242-4242")).toBe("****-****-****-4242");
  });
});

describe("findPii", () => {
  it("finds e-mail addresses and masks them", () => {
    const [f] = findPii("write to jane.doe@gmail.com today");
    expect(f).toMatchObject({ kind: "email", severity: 4, masked: "j***@gmail.com" });
  });

  it("allows the brand's own addresses by domain (and subdomain) or exactly", () => {
    expect(kinds("support@aura-demo.shop, help@mail.aura-demo.shop", { allowedEmailDomains: ["aura-demo.shop"] })).toEqual([]);
    expect(kinds("support@aura-demo.shop", { allowedEmails: ["Support@Aura-Demo.shop"] })).toEqual([]);
    expect(kinds("jane@aura-demo.shop.evil.com", { allowedEmailDomains: ["aura-demo.shop"] })).toEqual(["email"]);
  });

  it("rates a role address of another domain low (not personal data, not ours)", () => {
    expect(findPii("contact support@other-shop.com")[0]?.severity).toBe(2);
  });

  it("finds US phone numbers in the usual formats and international ones", () => {
    for (const phone of ["(415) 555-0132", "415-555-0132", "415.555.0132", "+1 415 555 0132", "1-415-555-0132"]) {
      expect(kinds(`call ${phone} now`), phone).toEqual(["phone"]);
    }
    expect(kinds("ring +44 20 7946 0958")).toEqual(["phone"]);
    expect(kinds("ring +49 30 1234567")).toEqual(["phone"]);
    expect(findPii("call (415) 555-0132")[0]?.masked).toBe("(***) ***-**32");
  });

  it("does not flag toll-free business numbers", () => {
    expect(kinds("call us toll-free at 1-800-555-0199")).toEqual([]);
  });

  it("finds Luhn-valid card numbers (13–19 digits, spaces or dashes) and masks all but the last four", () => {
    const [f] = findPii("card 4242 4242 4242 4242 exp 12/29");
    expect(f).toMatchObject({ kind: "credit_card", severity: 6, masked: "**** **** **** 4242" });
    expect(kinds("amex 3782-822463-10005")).toEqual(["credit_card"]);
    expect(kinds("card 4242 4242 4242 4241")).toEqual([]);
  });

  it("finds US social security numbers that the SSA could have issued", () => {
    expect(findPii("ssn 123-45-6789")[0]).toMatchObject({ kind: "ssn", masked: "***-**-6789" });
    expect(kinds("ssn 000-45-6789")).toEqual([]);
    expect(kinds("ssn 666-45-6789")).toEqual([]);
    expect(kinds("ssn 123-00-6789")).toEqual([]);
  });

  it("finds checksum-valid IBANs and masks them", () => {
    const [f] = findPii("pay to de89 3704 0044 0532 0130 00 please");
    expect(f).toMatchObject({ kind: "iban", severity: 5, masked: "DE** **** 3000" });
    expect(kinds("pay to de89 3704 0044 0532 0130 01")).toEqual([]);
    expect(kinds("iban gb82 west 1234 5698 7654 32 code 7")).toEqual(["iban"]);
    expect(kinds("solid de89370400440532013000.")).toEqual(["iban"]);
  });

  it("shows a street address without blocking (the sender's own is required in marketing e-mail)", () => {
    const [f] = findPii("aura demo shop, 123 market street, san francisco");
    expect(f).toMatchObject({ kind: "street_address", severity: 2 });
  });

  it("leaves prices, dates, percentages, order numbers and merge tags alone", () => {
    expect(kinds("save $1,299.00 on order #48213 by 2026-11-21, 30% off, 8,192 levels, {{email}}")).toEqual([]);
  });
});
