// Campaign uploads: every rule of the reader as a case (encoding, size, emptiness, header, rows, orders, typing,
// CSV quoting), plus properties: any chunking reads the same, the parser agrees with parseCsv, and the orders
// summary agrees with rfmFromOrders.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../csv/parse";
import { rfmFromOrders } from "../segmentation/rfm";
import {
  CampaignUploadReader,
  MAX_UPLOAD_BYTES,
  StreamingCsvParser,
  UploadError,
  parseOrderDate,
  readCampaignUpload,
  type CampaignUploadOptions,
  type UploadSummary,
} from "./upload";

/** Fixed fast-check seed: the properties below see the same cases on every run. */
const FC_SEED = 20_260_301;
const NOW = new Date("2026-03-01T12:00:00Z");

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function read(csv: string | Uint8Array, opts: Partial<CampaignUploadOptions> = {}): UploadSummary {
  return readCampaignUpload(typeof csv === "string" ? utf8(csv) : csv, { now: NOW, ...opts });
}

/** Feeds the bytes in pieces cut at the given offsets, as request.body would. */
function readInPieces(bytes: Uint8Array, cuts: readonly number[], opts: Partial<CampaignUploadOptions> = {}): UploadSummary {
  const reader = new CampaignUploadReader({ now: NOW, ...opts });
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    reader.write(bytes.subarray(start, cut));
    start = cut;
  }
  reader.write(bytes.subarray(start));
  return reader.finish();
}

function readByteByByte(bytes: Uint8Array): UploadSummary {
  return readInPieces(
    bytes,
    Array.from({ length: bytes.length }, (_, i) => i),
  );
}

/** The UploadError that `run` throws (fails the test when it throws nothing or something else). */
function uploadError(run: () => unknown): UploadError {
  try {
    run();
  } catch (error) {
    if (error instanceof UploadError) return error;
    throw error;
  }
  throw new Error("expected an UploadError");
}

describe("encoding", () => {
  it("accepts a UTF-8 byte-order mark and strips it from the first column name", () => {
    const summary = read(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("customer_id,name\nc1,Zoë\n")]));
    expect(summary.columns).toEqual(["customer_id", "name"]);
    expect(summary.customers).toEqual([{ customer_id: "c1", rfm: null, attributes: { name: "Zoë" } }]);
  });

  it.each([
    ["little-endian", [0xff, 0xfe], /UTF-16 little-endian.*FF FE/],
    ["big-endian", [0xfe, 0xff], /UTF-16 big-endian.*FE FF/],
  ])("rejects UTF-16 %s (byte-order mark) and says to re-save as UTF-8", (_, bom, found) => {
    const body = new Uint8Array([...bom, 0x63, 0x00, 0x75, 0x00]);
    const error = uploadError(() => read(body));
    expect(error.code).toBe("bad_encoding");
    expect(error.message).toMatch(found);
    expect(error.message).toMatch(/re-save it as UTF-8/i);
  });

  it("rejects UTF-16 without a byte-order mark by its NUL characters", () => {
    const utf16 = new Uint8Array([...utf8("customer_id\nc1\n")].flatMap((b) => [b, 0]));
    const error = uploadError(() => read(utf16));
    expect(error.code).toBe("bad_encoding");
    expect(error.message).toMatch(/NUL.*UTF-16/);
  });

  it("rejects Latin-1 bytes with the byte, its offset and line, and how to fix it", () => {
    // "Zoë" in Windows-1252: ë is the single byte 0xEB, never valid on its own in UTF-8.
    const body = new Uint8Array([...utf8("customer_id,name\nc1,Ann\nc2,Zo"), 0xeb, ...utf8("\n")]);
    const error = uploadError(() => read(body));
    expect(error.code).toBe("bad_encoding");
    expect(error.line).toBe(3);
    expect(error.message).toContain("byte 0xEB at offset 29 (line 3)");
    expect(error.message).toMatch(/Windows-1252.*re-save it as UTF-8/i);
  });

  it("finds the bad byte's line when it arrives in a later chunk", () => {
    const body = new Uint8Array([...utf8("customer_id\nc1\nc2\nc3"), 0xc3, 0x28, ...utf8("\n")]);
    const error = uploadError(() => readInPieces(body, [10, 17]));
    expect(error.code).toBe("bad_encoding");
    expect(error.line).toBe(4);
  });

  it("reads multi-byte characters split across chunks (every byte its own chunk)", () => {
    const csv = "customer_id,city\nc1,Zürich\nc2,東京\nc3,🦄 land\n";
    expect(readByteByByte(utf8(csv))).toEqual(read(csv));
    expect(read(csv).customers.map((c) => c.attributes.city)).toEqual(["Zürich", "東京", "🦄 land"]);
  });

  it("rejects a file that ends in the middle of a multi-byte character", () => {
    const body = new Uint8Array([...utf8("customer_id\nc1\nc"), 0xe6, 0x9d]);
    const error = uploadError(() => read(body));
    expect(error.code).toBe("bad_encoding");
    expect(error.message).toMatch(/ends in the middle of a multi-byte character/);
  });
});

describe("size", () => {
  it("stops with too_large on the write that passes the limit, before the body is finished", () => {
    const reader = new CampaignUploadReader({ now: NOW, maxBytes: 100 });
    reader.write(utf8(`customer_id\n${"c1\n".repeat(20)}`)); // 72 bytes
    const error = uploadError(() => reader.write(utf8("c2\n".repeat(10))));
    expect(error.code).toBe("too_large");
    expect(error.message).toMatch(/larger than 100 bytes/);
    // The error is final: the rest of the body is not read and finish() repeats it.
    expect(uploadError(() => reader.write(utf8("c3\n")))).toBe(error);
    expect(uploadError(() => reader.finish())).toBe(error);
  });

  it("accepts a body of exactly maxBytes", () => {
    const csv = "customer_id\nc1\n";
    expect(read(csv, { maxBytes: csv.length }).customers).toHaveLength(1);
    expect(uploadError(() => read(csv, { maxBytes: csv.length - 1 })).code).toBe("too_large");
  });

  it("defaults to 25 MiB", () => {
    expect(MAX_UPLOAD_BYTES).toBe(26_214_400);
    const reader = new CampaignUploadReader({ now: NOW });
    reader.write(new Uint8Array(MAX_UPLOAD_BYTES).fill(0x20));
    const error = uploadError(() => reader.write(utf8(" ")));
    expect(error.code).toBe("too_large");
    expect(error.message).toContain("25 MiB");
  });

  it("caps the customers in one campaign", () => {
    const error = uploadError(() => read("customer_id\nc1\nc2\nc3\n", { maxCustomers: 2 }));
    expect(error).toMatchObject({ code: "too_large", line: 4 });
    expect(error.message).toMatch(/more than 2 customers/);
    const orders = uploadError(() =>
      read("customer_id,order_date,amount\nc1,2026-01-01,1\nc1,2026-01-02,1\nc2,2026-01-01,1\n", { maxCustomers: 1 }),
    );
    expect(orders).toMatchObject({ code: "too_large", line: 4 });
  });
});

describe("empty files", () => {
  it("says a 0-byte file is empty", () => {
    const error = uploadError(() => read(""));
    expect(error.code).toBe("empty");
    expect(error.message).toMatch(/empty \(0 bytes\)/);
  });

  it("says a file of blank lines, whitespace or only a byte-order mark has no content", () => {
    for (const body of [utf8("  \n\r\n\t\n"), new Uint8Array([0xef, 0xbb, 0xbf])]) {
      const error = uploadError(() => read(body));
      expect(error.code).toBe("empty");
      expect(error.message).toMatch(/only blank lines or whitespace/);
    }
  });

  it("says a header without data rows has no rows", () => {
    const error = uploadError(() => read("customer_id,email\n\n"));
    expect(error).toMatchObject({ code: "empty", line: 1 });
    expect(error.message).toMatch(/header row \(customer_id, email\) but no data rows/);
  });
});

describe("header", () => {
  it("matches column names ignoring case and surrounding spaces", () => {
    const summary = read(" Customer_ID , Order_Date,AMOUNT \nc1,2026-01-01,10\n");
    expect(summary.kind).toBe("orders");
    expect(summary.columns).toEqual(["customer_id", "order_date", "amount"]);
  });

  it("skips blank lines before the header and counts them in line numbers", () => {
    const summary = read("\n\ncustomer_id\n\nc1\n,\n");
    expect(summary.rows).toBe(2);
    expect(summary.rejected).toEqual([{ line: 6, reason: "expected 1 fields, got 2" }]);
  });

  it("rejects duplicate column names", () => {
    const error = uploadError(() => read("customer_id,Email,email \nc1,a,b\n"));
    expect(error).toMatchObject({ code: "malformed_csv", line: 1 });
    expect(error.message).toMatch(/"email" appears twice.*columns 2 and 3/);
  });

  it("rejects a column without a name", () => {
    const error = uploadError(() => read("customer_id,,age\nc1,x,3\n"));
    expect(error.code).toBe("malformed_csv");
    expect(error.message).toMatch(/Column 2 .* has no name/);
  });

  it("accepts 200 columns and rejects 201", () => {
    const header = (n: number) => ["customer_id", ...Array.from({ length: n - 1 }, (_, i) => `a${i}`)].join(",");
    const row = (n: number) => ["c1", ...Array.from({ length: n - 1 }, () => "1")].join(",");
    expect(read(`${header(200)}\n${row(200)}\n`).customers[0]?.attributes.a198).toBe(1);
    const error = uploadError(() => read(`${header(201)}\n${row(201)}\n`));
    expect(error.code).toBe("too_many_columns");
    expect(error.message).toMatch(/201 columns; at most 200/);
  });

  it("detects orders by customer_id + order_date + amount, customers by customer_id alone", () => {
    expect(read("customer_id,order_date,amount\nc1,2026-01-01,5\n").kind).toBe("orders");
    expect(read("customer_id,email\nc1,a@b.c\n").kind).toBe("customers");
    // amount without order_date is an ordinary customer attribute.
    expect(read("customer_id,amount\nc1,5\n").customers[0]?.attributes).toEqual({ amount: 5 });
  });

  it("answers a file without customer_id with the accepted formats", () => {
    const error = uploadError(() => read("email,name\na@b.c,Ann\n"));
    expect(error).toMatchObject({ code: "unknown_format", line: 1 });
    expect(error.message).toMatch(/no customer_id column \(found: email, name\)/);
    expect(error.message).toMatch(/customers \(customer_id plus any attribute columns.*orders \(customer_id, order_date, amount/);
  });

  it("reports missing columns for an orders file without amount and for part of the RFM columns", () => {
    const orders = uploadError(() => read("customer_id,order_date\nc1,2026-01-01\n"));
    expect(orders.code).toBe("missing_columns");
    expect(orders.message).toMatch(/order_date but no amount/);
    const rfm = uploadError(() => read("customer_id,recency_days,frequency\nc1,3,4\n"));
    expect(rfm.code).toBe("missing_columns");
    expect(rfm.message).toMatch(/recency_days, frequency but not monetary/);
  });

  it("answers a header problem as soon as the header is read, before the rest of the body", () => {
    const reader = new CampaignUploadReader({ now: NOW });
    expect(uploadError(() => reader.write(utf8("email\nann@example.com\n"))).code).toBe("unknown_format");
  });
});

describe("customer rows", () => {
  it("keeps good rows and reports bad ones with line and reason", () => {
    const summary = read("customer_id,name\nc1,Ann\nc2\nc3,Bo,extra\n,Nobody\nc4,Cy\n");
    expect(summary.customers.map((c) => c.customer_id)).toEqual(["c1", "c4"]);
    expect(summary.rejected).toEqual([
      { line: 3, reason: "expected 2 fields, got 1" },
      { line: 4, reason: "expected 2 fields, got 3" },
      { line: 5, reason: "customer_id is empty" },
    ]);
    expect(summary).toMatchObject({ rows: 5, rejected_total: 3, kind: "customers" });
  });

  it("rejects customer ids over 128 characters or with control characters", () => {
    const long = "x".repeat(129);
    const summary = read(`customer_id\n${"y".repeat(128)}\n${long}\n"c\u0007bell"\nc\u0085nel\n`);
    expect(summary.customers.map((c) => c.customer_id)).toEqual(["y".repeat(128)]);
    expect(summary.rejected).toEqual([
      { line: 3, reason: "customer_id is longer than 128 characters" },
      { line: 4, reason: "customer_id contains control characters" },
      { line: 5, reason: "customer_id contains control characters" },
    ]);
  });

  it("trims cells, so padded ids are the same customer", () => {
    const summary = read("customer_id,tier\n c1 , gold \nc1,silver\n");
    expect(summary.customers).toEqual([{ customer_id: "c1", rfm: null, attributes: { tier: "gold" } }]);
    expect(summary.rejected).toEqual([{ line: 3, reason: 'duplicate customer_id "c1", first seen on line 2' }]);
  });

  it("rejects the later row of a duplicate customer_id, naming the first line", () => {
    const summary = read("customer_id\nc1\nc2\n\nc1\n");
    expect(summary.customers.map((c) => c.customer_id)).toEqual(["c1", "c2"]);
    expect(summary.rejected).toEqual([{ line: 5, reason: 'duplicate customer_id "c1", first seen on line 2' }]);
  });

  it("rejects a cell over 1,000 characters, naming the column", () => {
    const summary = read(`customer_id,bio\nc1,${"b".repeat(1000)}\nc2,${"b".repeat(1001)}\n`);
    expect(summary.customers.map((c) => c.customer_id)).toEqual(["c1"]);
    expect(summary.rejected).toEqual([{ line: 3, reason: "bio is longer than 1,000 characters (1,001)" }]);
  });

  it("reads RFM columns as numbers, and a row with all three empty as RFM unknown", () => {
    const summary = read("customer_id,Recency_Days,frequency,monetary,tier\nc1,3,12,450.5,gold\nc2,,,,silver\n");
    expect(summary.customers).toEqual([
      { customer_id: "c1", rfm: { recency_days: 3, frequency: 12, monetary: 450.5 }, attributes: { tier: "gold" } },
      { customer_id: "c2", rfm: null, attributes: { tier: "silver" } },
    ]);
  });

  it("rejects a wrong RFM value naming the column: not a number, negative, fractional frequency", () => {
    const summary = read(
      [
        "customer_id,recency_days,frequency,monetary",
        "c1,three,1,1",
        "c2,1,-2,1",
        "c3,1,2.5,1",
        "c4,1,2,$10",
        "c5,1,2,1e999",
        "c6,0x10,Infinity,1",
        "c7,1.5,2.0,0",
      ].join("\n"),
    );
    expect(summary.customers).toEqual([{ customer_id: "c7", rfm: { recency_days: 1.5, frequency: 2, monetary: 0 }, attributes: {} }]);
    expect(summary.rejected).toEqual([
      { line: 2, reason: 'recency_days must be a number, got "three"' },
      { line: 3, reason: "frequency must not be negative" },
      { line: 4, reason: "frequency must be a whole number" },
      { line: 5, reason: 'monetary must be a number, got "$10"' },
      { line: 6, reason: "monetary is too large" },
      { line: 7, reason: 'recency_days must be a number, got "0x10"; frequency must be a number, got "Infinity"' },
    ]);
  });

  it("rejects partial RFM (some of the three values empty) with what is missing", () => {
    const summary = read("customer_id,recency_days,frequency,monetary\nc1,3,,\nc2,,4,9\n");
    expect(summary.customers).toEqual([]);
    expect(summary.rejected).toEqual([
      {
        line: 2,
        reason: "RFM is incomplete: frequency and monetary are empty; give recency_days, frequency and monetary together, or leave all three empty",
      },
      {
        line: 3,
        reason: "RFM is incomplete: recency_days is empty; give recency_days, frequency and monetary together, or leave all three empty",
      },
    ]);
  });

  it("reports every problem of a row at once", () => {
    const summary = read("customer_id,recency_days,frequency,monetary\n,x,1,-1\n");
    expect(summary.rejected).toEqual([
      { line: 2, reason: 'customer_id is empty; recency_days must be a number, got "x"; monetary must not be negative' },
    ]);
  });

  it("lists at most maxRejectedReported rejected rows but counts them all", () => {
    const csv = `customer_id,n\n${Array.from({ length: 30 }, (_, i) => `c${i}`).join("\n")}\n`;
    const summary = read(csv, { maxRejectedReported: 5 });
    expect(summary.rejected_total).toBe(30);
    expect(summary.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
    const byDefault = read(`customer_id,n\n${"x\n".repeat(1500)}`);
    expect(byDefault.rejected).toHaveLength(1000);
    expect(byDefault.rejected_total).toBe(1500);
  });
});

describe("attribute typing", () => {
  it("types each column over the kept rows: numbers, booleans, strings; empty is null", () => {
    const csv = [
      "customer_id,age,vip,opted_in,city,score,notes",
      "c1,34,yes,TRUE,Paris,1.5e2,",
      "c2,,No,false,,-0.25,",
      "c3,41,1,0,Lyon,7,",
    ].join("\n");
    expect(read(csv).customers.map((c) => c.attributes)).toEqual([
      { age: 34, vip: true, opted_in: true, city: "Paris", score: 150, notes: null },
      { age: null, vip: false, opted_in: false, city: null, score: -0.25, notes: null },
      { age: 41, vip: true, opted_in: false, city: "Lyon", score: 7, notes: null },
    ]);
  });

  it("lets numbers win for 0/1 columns", () => {
    expect(read("customer_id,flag\nc1,1\nc2,0\n").customers.map((c) => c.attributes.flag)).toEqual([1, 0]);
  });

  it("keeps id-like numbers as text: leading zeros and digits past double precision", () => {
    const summary = read("customer_id,zip,account,price\nc1,02134,12345678901234567,0.5\nc2,10001,1,0\n");
    expect(summary.customers.map((c) => c.attributes)).toEqual([
      { zip: "02134", account: "12345678901234567", price: 0.5 },
      { zip: "10001", account: "1", price: 0 },
    ]);
  });

  it("falls back to text when one value does not fit, and ignores values on rejected rows", () => {
    const summary = read("customer_id,age,vip\nc1,34,yes\nc2,unknown,maybe\n,notanumber,nope\n");
    expect(summary.customers.map((c) => c.attributes)).toEqual([
      { age: "34", vip: "yes" },
      { age: "unknown", vip: "maybe" },
    ]);
    const kept = read("customer_id,age\nc1,34\nc1,unknown\n");
    expect(kept.customers.map((c) => c.attributes)).toEqual([{ age: 34 }]);
  });

  it("keeps a column named __proto__ as data", () => {
    const attributes = read("customer_id,__proto__\nc1,x\n").customers[0]?.attributes;
    expect(Object.keys(attributes ?? {})).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
  });
});

describe("orders", () => {
  const header = "customer_id,order_date,amount";

  it("computes RFM as of now: days since the latest order, number of orders, total spend", () => {
    const summary = read(`${header}\nc1,2026-02-01,10\nc2,2026-02-27T08:00:00Z,5.5\nc1,2026-02-20,30\nc1,2026-01-15,20\n`);
    expect(summary.kind).toBe("orders");
    expect(summary.customers).toEqual([
      { customer_id: "c1", rfm: { recency_days: 9, frequency: 3, monetary: 60 }, attributes: {} },
      { customer_id: "c2", rfm: { recency_days: 2, frequency: 1, monetary: 5.5 }, attributes: {} },
    ]);
  });

  it("accepts dates and ISO date-times with Z, offsets, fractions or a space; no offset means UTC", () => {
    for (const [text, iso] of [
      ["2026-02-03", "2026-02-03T00:00:00.000Z"],
      ["2026-02-03T10:20:30Z", "2026-02-03T10:20:30.000Z"],
      ["2026-02-03T10:20:30.123456+02:00", "2026-02-03T08:20:30.123Z"],
      ["2026-02-03T10:20-0530", "2026-02-03T15:50:00.000Z"],
      ["2026-02-03 10:20:30", "2026-02-03T10:20:30.000Z"],
      ["2024-02-29", "2024-02-29T00:00:00.000Z"],
    ] as const) {
      expect(new Date(parseOrderDate(text)).toISOString(), text).toBe(iso);
    }
  });

  it("rejects dates that are not ISO 8601 or not on the calendar", () => {
    const bad = ["03/02/2026", "2026-2-3", "2025-02-29", "2026-04-31", "2026-02-03T24:00", "yesterday", "2026-02-03T10:20:30+25:00"];
    const summary = read(`${header}\n${bad.map((d) => `c1,${d},1`).join("\n")}\n`);
    expect(summary.customers).toEqual([]);
    expect(summary.rejected.map((r) => r.reason)).toEqual(
      bad.map((d) => `order_date must be an ISO 8601 date (YYYY-MM-DD) or date-time, got "${d}"`),
    );
  });

  it("rejects dates more than a day after now and before 1970; a date within the day counts as now", () => {
    const summary = read(`${header}\nc1,2026-03-02T11:00:00Z,5\nc2,2026-03-02T12:00:01Z,5\nc3,1969-12-31,5\nc4,1970-01-01,5\n`);
    expect(summary.customers.map((c) => [c.customer_id, c.rfm?.recency_days])).toEqual([
      ["c1", 0],
      ["c4", 20513],
    ]);
    expect(summary.rejected).toEqual([
      { line: 3, reason: 'order_date "2026-03-02T12:00:01Z" is more than a day after the upload time (2026-03-01T12:00:00.000Z)' },
      { line: 4, reason: 'order_date "1969-12-31" is before 1970' },
    ]);
  });

  it("rejects an empty order_date and an invalid customer_id like a customers upload does", () => {
    const summary = read(`${header}\nc1,,5\n,2026-01-01,5\n"c\u0007",2026-01-01,5\n`);
    expect(summary.customers).toEqual([]);
    expect(summary.rejected).toEqual([
      { line: 2, reason: "order_date is empty" },
      { line: 3, reason: "customer_id is empty" },
      { line: 4, reason: "customer_id contains control characters" },
    ]);
  });

  it("rejects a missing or non-numeric amount, and negative amounts (refunds)", () => {
    const summary = read(`${header}\nc1,2026-01-01,\nc1,2026-01-02,ten\nc1,2026-01-03,-5\nc1,2026-01-04,0\n`);
    expect(summary.customers).toEqual([{ customer_id: "c1", rfm: { recency_days: 56, frequency: 1, monetary: 0 }, attributes: {} }]);
    expect(summary.rejected).toEqual([
      { line: 2, reason: "amount is empty" },
      { line: 3, reason: 'amount must be a number, got "ten"' },
      { line: 4, reason: "amount is negative: refunds are not accepted, net them into the original order or leave them out" },
    ]);
  });

  it("rejects an exact duplicate order (same customer, time, amount), not repeat purchases", () => {
    const summary = read(`${header}\nc1,2026-01-01,10\nc1,2026-01-01T00:00:00Z,10.0\nc1,2026-01-01,12\nc2,2026-01-01,10\n`);
    expect(summary.customers.map((c) => [c.customer_id, c.rfm?.frequency])).toEqual([
      ["c1", 2],
      ["c2", 1],
    ]);
    expect(summary.rejected).toEqual([
      { line: 3, reason: 'duplicate order: customer_id "c1" already has an order on "2026-01-01T00:00:00Z" for 10' },
    ]);
  });

  it("tells same-day orders apart by order_id when the column is there", () => {
    const summary = read("customer_id,order_id,order_date,amount\nc1,o1,2026-01-01,10\nc1,o2,2026-01-01,10\nc1,o2,2026-01-01,10\n");
    expect(summary.customers[0]?.rfm?.frequency).toBe(2);
    expect(summary.rejected).toEqual([
      { line: 4, reason: 'duplicate order: customer_id "c1" already has an order on "2026-01-01" for 10 with order_id "o2"' },
    ]);
  });

  it("takes attributes from each customer's latest order row, typed over those rows", () => {
    const summary = read(
      [
        "customer_id,order_id,order_date,amount,tier,store,frequency",
        "c1,o1,2026-02-10,10,silver,12,99",
        "c1,o2,2026-01-01,10,bronze,x,99",
        "c2,o3,2026-02-01,10,gold,7,99",
        "c2,o4,2026-02-01,20,platinum,8,99",
      ].join("\n"),
    );
    // c1's latest order is the first row, not the last; c2's two orders tie on date and the later row wins.
    // store is numeric over the chosen rows (12, 8) though a dropped row had "x"; frequency is computed, not read.
    expect(summary.customers).toEqual([
      { customer_id: "c1", rfm: { recency_days: 19, frequency: 2, monetary: 20 }, attributes: { tier: "silver", store: 12 } },
      { customer_id: "c2", rfm: { recency_days: 28, frequency: 2, monetary: 30 }, attributes: { tier: "platinum", store: 8 } },
    ]);
  });

  it("agrees with rfmFromOrders for orders up to now", () => {
    const order = fc.record({
      customer: fc.integer({ min: 0, max: 7 }),
      at: fc.integer({ min: Date.parse("2020-01-01"), max: NOW.getTime() }),
      dateOnly: fc.boolean(),
      cents: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(order, { minLength: 1, maxLength: 60 }), (drawn) => {
        const orders = drawn.map((o) => {
          const iso = new Date(o.at).toISOString();
          return { customer_id: `c${o.customer}`, order_date: o.dateOnly ? iso.slice(0, 10) : iso, amount: Number((o.cents / 100).toFixed(2)) };
        });
        const csv = `customer_id,order_id,order_date,amount\n${orders.map((o, i) => `${o.customer_id},o${i},${o.order_date},${o.amount}`).join("\n")}`;
        const summary = read(csv);
        expect(summary.rejected).toEqual([]);
        expect(summary.customers.map((c) => ({ customer_id: c.customer_id, ...c.rfm }))).toEqual(rfmFromOrders(orders, NOW));
      }),
      { seed: FC_SEED, numRuns: 200 },
    );
  });
});

describe("CSV", () => {
  it("reads quoted fields with commas, line breaks and escaped quotes, and keeps line numbers physical", () => {
    const csv = 'customer_id,note\nc1,"a, b"\nc2,"line one\nline two"\nc3,"say ""hi"""\n"c4",\nc5\n';
    const summary = read(csv);
    expect(summary.customers.map((c) => c.attributes.note)).toEqual(["a, b", "line one\nline two", 'say "hi"', null]);
    expect(summary.rejected).toEqual([{ line: 7, reason: "expected 2 fields, got 1" }]);
  });

  it("reads LF, CRLF and bare CR line endings, with or without a final line break, the same", () => {
    const rows = ["customer_id,age", "c1,3", 'c2,"4"', "c3,"];
    const expected = read(`${rows.join("\n")}\n`);
    for (const eol of ["\n", "\r\n", "\r"]) {
      expect(read(rows.join(eol))).toEqual({ ...expected, bytes: rows.join(eol).length });
      expect(read(rows.join(eol) + eol)).toEqual({ ...expected, bytes: (rows.join(eol) + eol).length });
    }
  });

  it("answers an unterminated quote at the end of the file with the line it starts on", () => {
    const error = uploadError(() => read('customer_id,note\nc1,ok\nc2,"never closed\nc3,more\n'));
    expect(error).toMatchObject({ code: "malformed_csv", line: 3 });
    expect(error.message).toMatch(/starts on line 3 is never closed/);
  });

  it("rejects a row with text after a closing quote and reads on", () => {
    const summary = read('customer_id,note\nc1,"quoted"tail\nc2,fine\n');
    expect(summary.customers.map((c) => c.customer_id)).toEqual(["c2"]);
    expect(summary.rejected).toEqual([{ line: 2, reason: "unexpected text after the closing quote of field 2" }]);
  });

  it("splits records like parseCsv on any valid CSV", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r", "é", "🦄"), maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(field, fc.boolean()), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        (records, eol, finalBreak) => {
          const text =
            records
              .map((r) => r.map(([f, quote]) => (quote || /[",\r\n]/.test(f) || f === "" ? `"${f.replaceAll('"', '""')}"` : f)).join(","))
              .join(eol) + (finalBreak ? eol : "");
          const ours: { line: number; fields: string[] }[] = [];
          const parser = new StreamingCsvParser(({ line, fields }) => ours.push({ line, fields }));
          parser.push(text);
          parser.end();
          // parseCsv drops records of one empty field (blank lines); the upload reader does the same.
          expect(ours.filter((r) => !(r.fields.length === 1 && r.fields[0] === ""))).toEqual([...parseCsv(text)]);
        },
      ),
      { seed: FC_SEED, numRuns: 300 },
    );
  });

  it("reads the same however the body is cut into chunks", () => {
    const csv = utf8(
      [
        "\uFEFFcustomer_id,Name,note,visits",
        'c1,"Zoë, the ""first""","multi\r\nline",3',
        "c2,東京,🦄,",
        'c3,"",plain,12',
        "c3,dup,row,1",
        "c4,short",
        'c5,"q","",7',
      ].join("\r\n"),
    );
    const whole = read(csv);
    expect(whole.customers).toHaveLength(4);
    expect(whole.rejected.map((r) => r.line)).toEqual([6, 7]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: csv.length - 1 }), { maxLength: 12 }), (cuts) => {
        expect(readInPieces(csv, cuts)).toEqual(whole);
      }),
      { seed: FC_SEED, numRuns: 300 },
    );
    expect(readByteByByte(csv)).toEqual(whole);
  });
});

describe("large uploads", () => {
  it("reads 50,000 generated customers fed in 64 KiB chunks", () => {
    const lines = ["customer_id,recency_days,frequency,monetary,email,age,vip,city"];
    for (let i = 0; i < 50_000; i++) {
      const broken = i % 5_000 === 4_999; // every 5,000th row has a non-numeric frequency
      lines.push(`cust_${i},${i % 365},${broken ? "many" : (i % 40) + 1},${(i % 1000) * 1.25},u${i}@example.com,${18 + (i % 60)},${i % 2 === 0 ? "yes" : "no"},"City, ${i % 50}"`);
    }
    const bytes = utf8(`${lines.join("\n")}\n`);
    const cuts = Array.from({ length: Math.floor(bytes.length / 65_536) }, (_, k) => (k + 1) * 65_536);
    const summary = readInPieces(bytes, cuts);
    expect(summary).toMatchObject({ kind: "customers", rows: 50_000, rejected_total: 10, bytes: bytes.length });
    expect(summary.customers).toHaveLength(49_990);
    expect(summary.rejected[0]).toEqual({ line: 5_001, reason: 'frequency must be a number, got "many"' });
    expect(summary.customers[12_345]).toEqual({
      customer_id: "cust_12347",
      rfm: { recency_days: 12_347 % 365, frequency: (12_347 % 40) + 1, monetary: (12_347 % 1000) * 1.25 },
      attributes: { email: "u12347@example.com", age: 18 + (12_347 % 60), vip: false, city: `City, ${12_347 % 50}` },
    });
  });

  it("reads 50,000 generated orders into per-customer RFM", () => {
    const lines = ["customer_id,order_id,order_date,amount"];
    for (let i = 0; i < 50_000; i++) lines.push(`c${i % 1000},o${i},2026-02-${String((i % 28) + 1).padStart(2, "0")},${(i % 100) + 0.5}`);
    const summary = read(lines.join("\n"));
    expect(summary).toMatchObject({ kind: "orders", rows: 50_000, rejected_total: 0 });
    expect(summary.customers).toHaveLength(1000);
    // c0 orders on i = 0, 1000, …, 49000: days (i % 28) + 1 and amounts (i % 100) + 0.5 = 0.5 each.
    const days = Array.from({ length: 50 }, (_, k) => ((k * 1000) % 28) + 1);
    expect(summary.customers[0]).toEqual({
      customer_id: "c0",
      rfm: { recency_days: 29 - Math.max(...days), frequency: 50, monetary: 25 },
      attributes: {},
    });
  });
});

describe("the reader", () => {
  it("refuses to be used after finish()", () => {
    const reader = new CampaignUploadReader({ now: NOW });
    reader.write(utf8("customer_id\nc1\n"));
    reader.finish();
    expect(() => reader.write(utf8("c2\n"))).toThrow(/already called/);
  });

  it("requires a valid now", () => {
    expect(() => new CampaignUploadReader({ now: new Date("nope") })).toThrow(RangeError);
  });
});
