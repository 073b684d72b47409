// Reads a campaign upload (`POST /v1/campaigns`) as its bytes arrive: validates the encoding, splits CSV records
// across chunk boundaries, checks every row, and keeps the good ones so one bad row never sinks a 25 MiB file.
import * as z from "zod";

export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
/** Beyond this a header is more likely a mis-split file than a customer table, and each row costs memory per column. */
export const MAX_COLUMNS = 200;
/** A longer cell is almost always a broken quote swallowing the rest of the file, not a real attribute. */
export const MAX_FIELD_CHARS = 1_000;
/** Customer ids are keys in storage and in URLs (`/v1/users/:user_id`); 128 is generous for any CRM id. */
export const MAX_CUSTOMER_ID_CHARS = 128;
const DEFAULT_MAX_REJECTED_REPORTED = 1_000;
const DEFAULT_MAX_CUSTOMERS = 200_000;
const DAY_MS = 86_400_000;
/** Order dates may run this far past `now`: exports stamped in a timezone ahead of UTC are not errors. */
const FUTURE_ORDER_TOLERANCE_MS = DAY_MS;

export type UploadKind = "customers" | "orders";
export type AttributeValue = string | number | boolean | null;

export interface CampaignCustomer {
  customer_id: string;
  /** RFM when known (customers upload with the three columns, or computed from orders as of `now`). */
  rfm: { recency_days: number; frequency: number; monetary: number } | null;
  /** Other columns, typed: numbers where the column is numeric, booleans for true/false/yes/no columns, else strings; empty → null. Reserved columns excluded. */
  attributes: Record<string, AttributeValue>;
}

export interface RejectedRow {
  line: number;
  reason: string;
}

export interface UploadSummary {
  kind: UploadKind;
  /** The header's column names, trimmed and lower-cased, in file order. */
  columns: string[];
  customers: CampaignCustomer[];
  /** The first `maxRejectedReported` rejected rows, in file order. */
  rejected: RejectedRow[];
  rejected_total: number;
  /** Data rows read (blank lines and the header excluded), kept or rejected. */
  rows: number;
  bytes: number;
}

export type UploadErrorCode =
  | "empty"
  | "bad_encoding"
  | "too_large"
  | "unknown_format"
  | "missing_columns"
  | "malformed_csv"
  | "too_many_columns";

/** A problem with the file as a whole: nothing from it is kept. Row problems are RejectedRows instead. */
export class UploadError extends Error {
  override readonly name = "UploadError";
  constructor(
    readonly code: UploadErrorCode,
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export interface CampaignUploadOptions {
  /** The upload's clock: RFM recency is measured to it and order dates are checked against it. */
  now: Date;
  maxBytes?: number;
  /** Rejected rows listed in the summary (default 1,000); `rejected_total` still counts all of them. */
  maxRejectedReported?: number;
  /** Distinct customers a campaign may hold (default 200,000); more is `too_large`. */
  maxCustomers?: number;
}

const RFM_COLUMNS = ["recency_days", "frequency", "monetary"] as const;
type RfmColumn = (typeof RFM_COLUMNS)[number];
const ORDER_COLUMNS = ["order_date", "amount"] as const;
/**
 * Columns that are never attributes. RFM columns are reserved in orders uploads too: there RFM is computed from
 * the orders, and a stale exported "frequency" next to the computed one would be two answers to one question.
 */
const RESERVED_COLUMNS: Readonly<Record<UploadKind, ReadonlySet<string>>> = {
  customers: new Set(["customer_id", ...RFM_COLUMNS]),
  orders: new Set(["customer_id", "order_id", ...ORDER_COLUMNS, ...RFM_COLUMNS]),
};

const ACCEPTED_FORMATS =
  "Accepted formats: customers (customer_id plus any attribute columns, with recency_days, frequency and monetary " +
  "when known) or orders (customer_id, order_date, amount, optionally order_id and attribute columns).";

// ---------------------------------------------------------------------------------------------------------------
// Cells (zod: every CSV row is untrusted input)

/** A plain decimal: no hex, no "Infinity", no thousands separators, no currency signs (Number() accepts some). */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** C0, DEL and C1 controls: invisible in every tool that will later show or match the id. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** A cell for a message: quoted, and cut short so a runaway cell cannot flood the report. */
function shown(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

const CustomerIdCell = z
  .string()
  .min(1, "customer_id is empty")
  .max(MAX_CUSTOMER_ID_CHARS, `customer_id is longer than ${MAX_CUSTOMER_ID_CHARS} characters`)
  .refine((id) => !CONTROL_CHARACTER.test(id), "customer_id contains control characters");

function rfmCell(column: RfmColumn) {
  const number = z
    .number({ error: `${column} is too large` })
    .min(0, `${column} must not be negative`)
    .refine((n) => column !== "frequency" || Number.isInteger(n), `${column} must be a whole number`);
  return z
    .string()
    .regex(DECIMAL, { error: (issue) => `${column} must be a number, got ${shown(issue.input)}` })
    .transform(Number)
    .pipe(number);
}

const RfmCells = z.object({
  recency_days: rfmCell("recency_days"),
  frequency: rfmCell("frequency"),
  monetary: rfmCell("monetary"),
});

const CustomerRowCells = z.object({ customer_id: CustomerIdCell, rfm: RfmCells.nullable() });

const ISO_8601_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Milliseconds since the epoch of an ISO 8601 date (midnight UTC) or date-time, or NaN. Parsed by hand because
 * Date.parse reads a date-time without an offset as *local* time, which differs between Node and workerd; here it
 * is UTC, as a bare date is. A space instead of "T" is accepted: it is how spreadsheets write date-times.
 */
export function parseOrderDate(text: string): number {
  const m = ISO_8601_DATE.exec(text);
  if (m === null) return Number.NaN;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", offset = "Z"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  let offsetMinutes = 0;
  if (offset.toUpperCase() !== "Z") {
    const sign = offset.startsWith("-") ? -1 : 1;
    const digits = offset.slice(1).replace(":", "");
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (offsetHours > 23 || offsetMins > 59) return Number.NaN;
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }
  const millis = Number(fraction.padEnd(3, "0").slice(0, 3));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // not Date.UTC: it maps years 0–99 to 1900–1999
  utc.setUTCHours(hour, minute, second, millis);
  return utc.getTime() - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function orderRowCells(nowMs: number) {
  const latestAllowed = nowMs + FUTURE_ORDER_TOLERANCE_MS;
  const OrderDate = z
    .string()
    .min(1, "order_date is empty")
    .transform((text, ctx) => {
      const at = parseOrderDate(text);
      if (Number.isNaN(at)) {
        ctx.addIssue(`order_date must be an ISO 8601 date (YYYY-MM-DD) or date-time, got ${shown(text)}`);
      } else if (at < 0) {
        ctx.addIssue(`order_date ${shown(text)} is before 1970`);
      } else if (at > latestAllowed) {
        ctx.addIssue(`order_date ${shown(text)} is more than a day after the upload time (${new Date(nowMs).toISOString()})`);
      }
      return at;
    });
  const Amount = z
    .string()
    .min(1, { error: "amount is empty", abort: true })
    .regex(DECIMAL, { error: (issue) => `amount must be a number, got ${shown(issue.input)}` })
    .transform(Number)
    .pipe(
      z
        .number({ error: "amount is too large" })
        .min(0, "amount is negative: refunds are not accepted, net them into the original order or leave them out"),
    );
  return z.object({ customer_id: CustomerIdCell, order_date: OrderDate, amount: Amount });
}

/** Every problem zod found in a row, in column order, as one reason. */
function reasonOf(error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join("; ");
}

// ---------------------------------------------------------------------------------------------------------------
// CSV records across chunks

interface CsvRecord {
  /** 1-based physical line the record starts on. */
  line: number;
  fields: string[];
  /** Set when the record is not RFC 4180 but its extent is still clear: the row is rejected, the file read on. */
  problem: string | null;
}

// Parser states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Just read a quote inside a quoted field: either an escaped quote ("") or the field's end. */
const QUOTE_IN_QUOTED = 3;
/** Just ended a record at CR: a following LF belongs to the same line break, even in the next chunk. */
const AFTER_CR = 4;
type ParserState = typeof FIELD_START | typeof UNQUOTED | typeof QUOTED | typeof QUOTE_IN_QUOTED | typeof AFTER_CR;

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * RFC 4180 over text that arrives in pieces (shared/csv/parse.ts wants the whole string). A field or record may
 * straddle any number of pieces; runs of ordinary characters are sliced, not appended one by one, because this
 * loop sees every character of a 25 MiB upload.
 */
export class StreamingCsvParser {
  private state: ParserState = FIELD_START;
  private fields: string[] = [];
  private field = "";
  private problem: string | null = null;
  /** Physical line of the next character. */
  private line = 1;
  private recordLine = 1;
  private quotedFieldLine = 1;

  constructor(private readonly onRecord: (record: CsvRecord) => void) {}

  /** The line being read: where an encoding problem in the next piece would be. */
  get currentLine(): number {
    return this.line;
  }

  push(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case AFTER_CR:
          if (text.charCodeAt(i) === LF) i++;
          this.state = FIELD_START;
          break;
        case FIELD_START:
          if (text.charCodeAt(i) === QUOTE) {
            this.quotedFieldLine = this.line;
            this.state = QUOTED;
            i++;
          } else {
            this.state = UNQUOTED;
          }
          break;
        case UNQUOTED: {
          let j = i;
          for (; j < n; j++) {
            const c = text.charCodeAt(j);
            if (c === COMMA || c === LF || c === CR) break;
          }
          if (j > i) this.field += text.slice(i, j);
          if (j === n) return;
          i = this.delimit(text.charCodeAt(j), j);
          break;
        }
        case QUOTED: {
          const quote = text.indexOf('"', i);
          const end = quote === -1 ? n : quote;
          for (let lf = text.indexOf("\n", i); lf !== -1 && lf < end; lf = text.indexOf("\n", lf + 1)) this.line++;
          if (end > i) this.field += text.slice(i, end);
          if (quote === -1) return;
          this.state = QUOTE_IN_QUOTED;
          i = quote + 1;
          break;
        }
        case QUOTE_IN_QUOTED: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.field += '"';
            this.state = QUOTED;
            i++;
          } else if (c === COMMA || c === LF || c === CR) {
            i = this.delimit(c, i);
          } else {
            // `"abc"def`: keep reading the field as unquoted text so the record still ends where it should.
            this.problem ??= `unexpected text after the closing quote of field ${this.fields.length + 1}`;
            this.state = UNQUOTED;
          }
          break;
        }
      }
    }
  }

  /** The input is complete: emits the last record if it had no line break. */
  end(): void {
    if (this.state === QUOTED) {
      throw new UploadError(
        "malformed_csv",
        `The quoted field that starts on line ${this.quotedFieldLine} is never closed: a quote (") is missing.`,
        this.quotedFieldLine,
      );
    }
    if (this.state === AFTER_CR || (this.state === FIELD_START && this.fields.length === 0)) return;
    this.fields.push(this.field);
    this.emit();
  }

  /** Ends the current field at a delimiter; returns the index after it. */
  private delimit(c: number, at: number): number {
    this.fields.push(this.field);
    this.field = "";
    if (c === COMMA) {
      this.state = FIELD_START;
      return at + 1;
    }
    this.emit();
    this.line++;
    this.recordLine = this.line;
    this.state = c === CR ? AFTER_CR : FIELD_START;
    return at + 1;
  }

  private emit(): void {
    const record: CsvRecord = { line: this.recordLine, fields: this.fields, problem: this.problem };
    this.fields = [];
    this.problem = null;
    this.onRecord(record);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

/**
 * Where a chunk stops being UTF-8, or -1. TextDecoder says only *that* the bytes are invalid; operators need to
 * know where. Leading continuation bytes finish a character begun in the previous chunk and are skipped.
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < bytes.length && ((bytes[i] as number) & 0xc0) === 0x80) i++;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let continuations: number;
    if (b >= 0xc2 && b <= 0xdf) continuations = 1;
    else if (b >= 0xe0 && b <= 0xef) continuations = 2;
    else if (b >= 0xf0 && b <= 0xf4) continuations = 3;
    else return i;
    // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= continuations; k++) {
      if (i + k >= bytes.length) return -1; // finishes in the next chunk
      const c = bytes[i + k] as number;
      if (k === 1 ? c < low || c > high : (c & 0xc0) !== 0x80) return i;
    }
    i += continuations + 1;
  }
  return -1;
}

function countLineFeeds(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === LF) count++;
  return count;
}

const RESAVE_AS_UTF8 = 'Re-save it as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)") and upload it again.';

// ---------------------------------------------------------------------------------------------------------------
// Header

interface Header {
  kind: UploadKind;
  columns: string[];
  line: number;
  /** Column positions by name. */
  at: ReadonlyMap<string, number>;
  /** Attribute columns (not reserved), in file order. */
  attributes: { name: string; index: number }[];
}

function readHeader(fields: readonly string[], line: number): Header {
  if (fields.length > MAX_COLUMNS) {
    throw new UploadError(
      "too_many_columns",
      `The header has ${fields.length} columns; at most ${MAX_COLUMNS} are accepted. Drop the columns the campaign does not need.`,
      line,
    );
  }
  const columns = fields.map((name) => name.trim().toLowerCase());
  const at = new Map<string, number>();
  columns.forEach((name, index) => {
    if (name === "") {
      throw new UploadError("malformed_csv", `Column ${index + 1} of the header (line ${line}) has no name.`, line);
    }
    const first = at.get(name);
    if (first !== undefined) {
      throw new UploadError(
        "malformed_csv",
        `Column "${name}" appears twice in the header (columns ${first + 1} and ${index + 1}); names are compared ignoring case and surrounding spaces.`,
        line,
      );
    }
    at.set(name, index);
  });
  if (!at.has("customer_id")) {
    const found = columns.slice(0, 10).join(", ") + (columns.length > 10 ? ", …" : "");
    throw new UploadError("unknown_format", `The header has no customer_id column (found: ${found}). ${ACCEPTED_FORMATS}`, line);
  }
  // order_date alone means an orders file with its amounts missing; amount alone is a fine customer attribute.
  if (at.has("order_date") && !at.has("amount")) {
    throw new UploadError("missing_columns", `The header has order_date but no amount column: an orders upload needs both. ${ACCEPTED_FORMATS}`, line);
  }
  const kind: UploadKind = at.has("order_date") ? "orders" : "customers";
  if (kind === "customers") {
    const present = RFM_COLUMNS.filter((c) => at.has(c));
    if (present.length > 0 && present.length < RFM_COLUMNS.length) {
      const missing = RFM_COLUMNS.filter((c) => !at.has(c));
      throw new UploadError(
        "missing_columns",
        `The header has ${present.join(", ")} but not ${missing.join(", ")}: RFM needs recency_days, frequency and monetary together (or none of them).`,
        line,
      );
    }
  }
  const reserved = RESERVED_COLUMNS[kind];
  const attributes = columns.flatMap((name, index) => (reserved.has(name) ? [] : [{ name, index }]));
  return { kind, columns, line, at, attributes };
}

// ---------------------------------------------------------------------------------------------------------------
// Attribute typing

type ColumnType = "number" | "boolean" | "string";

const TRUE_WORDS = new Set(["true", "yes", "1"]);
const FALSE_WORDS = new Set(["false", "no", "0"]);
/** "02134", "00442079460000": zip codes and phone numbers, which a number would silently change. */
const LEADING_ZERO = /^[+-]?0\d/;
/** More integer digits than a double holds exactly: account numbers, not quantities. */
const UNSAFE_DIGITS = /^[+-]?\d{16}/;

function isNumericCell(value: string): boolean {
  return DECIMAL.test(value) && !LEADING_ZERO.test(value) && !UNSAFE_DIGITS.test(value) && Number.isFinite(Number(value));
}

/**
 * A column's type over the values kept. Numeric wins, so a 0/1 column is a number; a column is boolean only when a
 * true/false/yes/no word appears (then 1 and 0 may mix in); anything else, or a column with ids that look like
 * numbers but are not (leading zeros, 16+ digits), stays text.
 */
function columnType(values: Iterable<string>): ColumnType {
  let numeric = true;
  let boolean = true;
  for (const value of values) {
    if (value === "") continue;
    if (numeric && !isNumericCell(value)) numeric = false;
    if (boolean) {
      const word = value.toLowerCase();
      if (!TRUE_WORDS.has(word) && !FALSE_WORDS.has(word)) boolean = false;
    }
    if (!numeric && !boolean) return "string";
  }
  return numeric ? "number" : boolean ? "boolean" : "string";
}

function typedValue(value: string, type: ColumnType): AttributeValue {
  if (value === "") return null;
  if (type === "number") return Number(value);
  if (type === "boolean") return TRUE_WORDS.has(value.toLowerCase());
  return value;
}

/** Types every attribute column over the kept rows (`columns[k][i]`: column k of kept row i), then builds each row's attributes. */
function typedAttributes(names: readonly string[], columns: readonly (readonly string[])[], rows: number): Record<string, AttributeValue>[] {
  const types = columns.map(columnType);
  const attributes: Record<string, AttributeValue>[] = [];
  for (let i = 0; i < rows; i++) {
    // fromEntries defines own properties, so a column named "__proto__" is data, not a prototype.
    attributes.push(Object.fromEntries(names.map((name, k) => [name, typedValue(columns[k]?.[i] ?? "", types[k] ?? "string")])));
  }
  return attributes;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows by kind

/** Keeps the good rows of one kind of upload; returns why a row is rejected, or null when it is kept. */
interface RowKeeper {
  keep(cells: readonly string[], line: number): string | null;
  customers(): CampaignCustomer[];
}

/** Where a column readHeader has made sure of sits. */
function columnIndex(header: Header, name: string): number {
  const index = header.at.get(name);
  if (index === undefined) throw new Error(`column ${name} missing after the header check`);
  return index;
}

function attributeCells(header: Header, cells: readonly string[]): string[] {
  return header.attributes.map(({ index }) => cells[index] ?? "");
}

function tooManyCustomers(max: number, line: number): UploadError {
  return new UploadError(
    "too_large",
    `The upload has more than ${max.toLocaleString("en-US")} customers (line ${line} would add one more). Split the campaign into smaller uploads.`,
    line,
  );
}

/**
 * Customers upload: one row per customer. A repeated id rejects the later row (the first is what the operator
 * sees at the top of the file). RFM is all three values or none: a row with the three cells empty has rfm null
 * (not known for that customer); a row with some of them empty is rejected, because a half-known RFM cannot be
 * scored and guessing the rest would invent a segment.
 */
class CustomerRows implements RowKeeper {
  /** Kept customers in file order (a Map iterates in insertion order), with the line each was read on. */
  private readonly firstSeen = new Map<string, number>();
  // Columnar, not an object per row: 200k customers as objects cost several times the CSV they came from, and
  // a Worker has 128 MB. RFM is three numbers per customer, NaN when unknown.
  private readonly rfm: number[] = [];
  private readonly attributeColumns: string[][];
  private readonly rfmAt: readonly number[] | null;
  private readonly customerIdAt: number;

  constructor(
    private readonly header: Header,
    private readonly maxCustomers: number,
  ) {
    this.customerIdAt = columnIndex(header, "customer_id");
    const positions = RFM_COLUMNS.map((c) => header.at.get(c));
    this.rfmAt = positions.every((p): p is number => p !== undefined) ? positions : null;
    this.attributeColumns = header.attributes.map(() => []);
  }

  keep(cells: readonly string[], line: number): string | null {
    let rfm: Record<RfmColumn, string> | null = null;
    if (this.rfmAt !== null) {
      const [recency_days = "", frequency = "", monetary = ""] = this.rfmAt.map((p) => cells[p] ?? "");
      const values = { recency_days, frequency, monetary };
      const empty = RFM_COLUMNS.filter((c) => values[c] === "");
      if (empty.length > 0 && empty.length < RFM_COLUMNS.length) {
        return `RFM is incomplete: ${empty.join(" and ")} ${empty.length === 1 ? "is" : "are"} empty; give recency_days, frequency and monetary together, or leave all three empty`;
      }
      if (empty.length === 0) rfm = values;
    }
    const parsed = CustomerRowCells.safeParse({ customer_id: cells[this.customerIdAt] ?? "", rfm });
    if (!parsed.success) return reasonOf(parsed.error);
    const { customer_id, rfm: known } = parsed.data;
    const first = this.firstSeen.get(customer_id);
    if (first !== undefined) return `duplicate customer_id ${shown(customer_id)}, first seen on line ${first}`;
    if (this.firstSeen.size >= this.maxCustomers) throw tooManyCustomers(this.maxCustomers, line);
    this.firstSeen.set(customer_id, line);
    if (known === null) this.rfm.push(Number.NaN, Number.NaN, Number.NaN);
    else this.rfm.push(known.recency_days, known.frequency, known.monetary);
    this.header.attributes.forEach(({ index }, k) => this.attributeColumns[k]?.push(cells[index] ?? ""));
    return null;
  }

  customers(): CampaignCustomer[] {
    const attributes = typedAttributes(
      this.header.attributes.map((a) => a.name),
      this.attributeColumns,
      this.firstSeen.size,
    );
    let i = 0;
    const customers: CampaignCustomer[] = [];
    for (const customer_id of this.firstSeen.keys()) {
      const [recency_days = Number.NaN, frequency = Number.NaN, monetary = Number.NaN] = this.rfm.slice(3 * i, 3 * i + 3);
      const rfm = Number.isNaN(recency_days) ? null : { recency_days, frequency, monetary };
      customers.push({ customer_id, rfm, attributes: attributes[i] ?? {} });
      i++;
    }
    return customers;
  }
}

interface OrderHistory {
  customer_id: string;
  /** Latest order time as written (for choosing the attribute row). */
  latestAt: number;
  count: number;
  total: number;
  /** Attribute cells of the latest order row; a later row in the file wins a tie. */
  attributes: string[];
  /** Orders seen, as "time in base 36|amount|order_id", to reject exact repeats (an export run twice, a copy-paste). */
  orders: Set<string>;
}

/**
 * Orders upload: many rows per customer, summarised into RFM as of `now` with the definitions of
 * `rfmFromOrders` (shared/segmentation/rfm.ts): recency_days = whole days from the latest order, frequency = the
 * number of orders, monetary = the *total* spend. It is folded in row by row rather than by calling
 * rfmFromOrders at the end because holding a 25 MiB file's orders as objects would take most of a Worker's
 * 128 MB; upload.test.ts checks the two agree. One difference: an order up to a day after `now` (accepted, see
 * FUTURE_ORDER_TOLERANCE_MS) counts as placed at `now` (recency 0) instead of being ignored.
 * Attributes come from each customer's latest order row: the freshest known state of the customer.
 */
class OrderRows implements RowKeeper {
  private readonly histories = new Map<string, OrderHistory>();
  private readonly cells: ReturnType<typeof orderRowCells>;
  private readonly customerIdAt: number;
  private readonly orderDateAt: number;
  private readonly amountAt: number;
  private readonly orderIdAt: number | undefined;

  constructor(
    private readonly header: Header,
    private readonly nowMs: number,
    private readonly maxCustomers: number,
  ) {
    this.cells = orderRowCells(nowMs);
    this.customerIdAt = columnIndex(header, "customer_id");
    this.orderDateAt = columnIndex(header, "order_date");
    this.amountAt = columnIndex(header, "amount");
    this.orderIdAt = header.at.get("order_id");
  }

  keep(cells: readonly string[], line: number): string | null {
    const parsed = this.cells.safeParse({
      customer_id: cells[this.customerIdAt] ?? "",
      order_date: cells[this.orderDateAt] ?? "",
      amount: cells[this.amountAt] ?? "",
    });
    if (!parsed.success) return reasonOf(parsed.error);
    const { customer_id, order_date: orderedAt, amount } = parsed.data;
    const orderId = this.orderIdAt === undefined ? "" : (cells[this.orderIdAt] ?? "");
    // join, not a template literal: it builds one flat string, where `${…}|${…}` keeps a tree of cons strings
    // alive in the Set (measured: 49 MB of them for 400k orders).
    const key = [orderedAt.toString(36), amount, orderId].join("|");
    let history = this.histories.get(customer_id);
    if (history === undefined) {
      if (this.histories.size >= this.maxCustomers) throw tooManyCustomers(this.maxCustomers, line);
      history = { customer_id, latestAt: orderedAt, count: 0, total: 0, attributes: attributeCells(this.header, cells), orders: new Set() };
      this.histories.set(customer_id, history);
    } else if (history.orders.has(key)) {
      return `duplicate order: customer_id ${shown(customer_id)} already has an order on ${shown(cells[this.orderDateAt])} for ${amount}${orderId === "" ? "" : ` with order_id ${shown(orderId)}`}`;
    } else if (orderedAt >= history.latestAt) {
      history.latestAt = orderedAt;
      history.attributes = attributeCells(this.header, cells);
    }
    history.orders.add(key);
    history.count++;
    history.total += amount;
    return null;
  }

  customers(): CampaignCustomer[] {
    const histories = [...this.histories.values()];
    const attributes = typedAttributes(
      this.header.attributes.map((a) => a.name),
      this.header.attributes.map((_, k) => histories.map((h) => h.attributes[k] ?? "")),
      histories.length,
    );
    return histories.map((h, i) => ({
      customer_id: h.customer_id,
      rfm: {
        recency_days: Math.floor((this.nowMs - Math.min(h.latestAt, this.nowMs)) / DAY_MS),
        frequency: h.count,
        monetary: h.total,
      },
      attributes: attributes[i] ?? {},
    }));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The reader

/** Incremental reader: feed byte chunks as they arrive (request.body), then finish(). Throws UploadError on whole-file problems (as soon as they are detected, e.g. too_large mid-stream). */
export class CampaignUploadReader {
  private readonly nowMs: number;
  private readonly maxBytes: number;
  private readonly maxRejectedReported: number;
  private readonly maxCustomers: number;
  // ignoreBOM: false strips a UTF-8 byte-order mark; fatal turns bad bytes into an error instead of U+FFFD.
  private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  private readonly parser = new StreamingCsvParser((record) => this.read(record));
  private bytes = 0;
  /** The first two bytes, to recognise a UTF-16 byte-order mark. */
  private readonly head: number[] = [];
  /** Set once the header is read: what kind of upload this is and who keeps its rows. */
  private upload: { header: Header; keeper: RowKeeper } | null = null;
  private rows = 0;
  private readonly rejected: RejectedRow[] = [];
  private rejectedTotal = 0;
  private failure: UploadError | null = null;
  private finished = false;

  constructor(opts: CampaignUploadOptions) {
    this.nowMs = opts.now.getTime();
    if (!Number.isFinite(this.nowMs)) throw new RangeError("now must be a valid date");
    this.maxBytes = opts.maxBytes ?? MAX_UPLOAD_BYTES;
    this.maxRejectedReported = opts.maxRejectedReported ?? DEFAULT_MAX_REJECTED_REPORTED;
    this.maxCustomers = opts.maxCustomers ?? DEFAULT_MAX_CUSTOMERS;
  }

  write(chunk: Uint8Array): void {
    this.step(() => {
      this.bytes += chunk.length;
      if (this.bytes > this.maxBytes) {
        throw new UploadError(
          "too_large",
          `The upload is larger than ${formatBytes(this.maxBytes)}. Split it into smaller files.`,
        );
      }
      for (let i = 0; this.head.length < 2 && i < chunk.length; i++) this.head.push(chunk[i] as number);
      this.parse(this.decode(chunk));
    });
  }

  finish(): UploadSummary {
    return this.step(() => {
      this.parse(this.decode(null));
      this.parser.end();
      this.finished = true;
      if (this.upload === null) {
        throw this.bytes === 0
          ? new UploadError("empty", "The file is empty (0 bytes). Upload a CSV with a header row and at least one data row.")
          : new UploadError(
              "empty",
              "The file has only blank lines or whitespace. Upload a CSV with a header row and at least one data row.",
            );
      }
      const { header, keeper } = this.upload;
      if (this.rows === 0) {
        throw new UploadError(
          "empty",
          `The file has a header row (${header.columns.join(", ")}) but no data rows. Add at least one ${header.kind === "orders" ? "order" : "customer"} row.`,
          header.line,
        );
      }
      return {
        kind: header.kind,
        columns: header.columns,
        customers: keeper.customers(),
        rejected: this.rejected,
        rejected_total: this.rejectedTotal,
        rows: this.rows,
        bytes: this.bytes,
      };
    });
  }

  /** Runs one step; a whole-file error is final, so every later call repeats it. */
  private step<T>(run: () => T): T {
    if (this.failure !== null) throw this.failure;
    if (this.finished) throw new Error("CampaignUploadReader: finish() was already called");
    try {
      return run();
    } catch (error) {
      if (error instanceof UploadError) this.failure = error;
      throw error;
    }
  }

  /** Decodes the next chunk (null: the end of the input). */
  private decode(chunk: Uint8Array | null): string {
    try {
      return chunk === null ? this.decoder.decode() : this.decoder.decode(chunk, { stream: true });
    } catch {
      throw this.encodingError(chunk);
    }
  }

  private encodingError(chunk: Uint8Array | null): UploadError {
    const [first, second] = this.head;
    if ((first === 0xff && (second === undefined || second === 0xfe)) || (first === 0xfe && (second === undefined || second === 0xff))) {
      const order = first === 0xff ? "UTF-16 little-endian (it starts with the byte-order mark FF FE)" : "UTF-16 big-endian (it starts with the byte-order mark FE FF)";
      return new UploadError("bad_encoding", `The file is ${order}, not UTF-8. ${RESAVE_AS_UTF8}`, 1);
    }
    const line = this.parser.currentLine;
    if (chunk === null) {
      return new UploadError(
        "bad_encoding",
        `The file is not valid UTF-8: it ends in the middle of a multi-byte character (line ${line}), so it was cut short or saved in another encoding. ${RESAVE_AS_UTF8}`,
        line,
      );
    }
    const offset = Math.max(firstInvalidUtf8(chunk), 0);
    const at = line + countLineFeeds(chunk, offset);
    const byte = (chunk[offset] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    return new UploadError(
      "bad_encoding",
      `The file is not valid UTF-8: byte 0x${byte} at offset ${(this.bytes - chunk.length + offset).toLocaleString("en-US")} (line ${at}) is not part of a UTF-8 character. ` +
        `It was probably saved as Windows-1252 or ISO-8859-1 (Excel's plain "CSV" does this). ${RESAVE_AS_UTF8}`,
      at,
    );
  }

  private parse(text: string): void {
    if (text === "") return;
    // NUL is valid UTF-8 but never in a CSV: it is the tell of UTF-16 without a byte-order mark.
    const nul = text.indexOf("\u0000");
    if (nul !== -1) {
      let line = this.parser.currentLine;
      for (let lf = text.indexOf("\n"); lf !== -1 && lf < nul; lf = text.indexOf("\n", lf + 1)) line++;
      throw new UploadError(
        "bad_encoding",
        `The file contains NUL characters (first on line ${line}); it is most likely UTF-16 without a byte-order mark. ${RESAVE_AS_UTF8}`,
        line,
      );
    }
    this.parser.push(text);
  }

  private read(record: CsvRecord): void {
    const { fields, line } = record;
    // Blank lines (and spreadsheets' whitespace-only lines) separate nothing and are skipped, as parseCsv does.
    if (fields.length === 1 && (fields[0] as string).trim() === "") return;
    if (this.upload === null) {
      const header = readHeader(fields, line);
      const keeper = header.kind === "orders" ? new OrderRows(header, this.nowMs, this.maxCustomers) : new CustomerRows(header, this.maxCustomers);
      this.upload = { header, keeper };
      return;
    }
    this.rows++;
    const reason = record.problem ?? check(fields, line, this.upload.header, this.upload.keeper);
    if (reason === null) return;
    this.rejectedTotal++;
    if (this.rejected.length < this.maxRejectedReported) this.rejected.push({ line, reason });
  }
}

/** Why a data row is rejected, or null when the keeper kept it. */
function check(fields: string[], line: number, header: Header, keeper: RowKeeper): string | null {
  if (fields.length !== header.columns.length) return `expected ${header.columns.length} fields, got ${fields.length}`;
  for (let k = 0; k < fields.length; k++) {
    // Spreadsheets pad cells with spaces; " c1" and "c1" are one customer. In place: the record is ours.
    const cell = (fields[k] as string).trim();
    if (cell.length > MAX_FIELD_CHARS) {
      return `${header.columns[k]} is longer than ${MAX_FIELD_CHARS.toLocaleString("en-US")} characters (${cell.length.toLocaleString("en-US")})`;
    }
    fields[k] = cell;
  }
  return keeper.keep(fields, line);
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes.toLocaleString("en-US")} bytes`;
}

/** Convenience for tests and small bodies. */
export function readCampaignUpload(bytes: Uint8Array, opts: CampaignUploadOptions): UploadSummary {
  const reader = new CampaignUploadReader(opts);
  reader.write(bytes);
  return reader.finish();
}
