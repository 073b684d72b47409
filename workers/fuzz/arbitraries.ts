// The fuzz model of aura's HTTP surface: fast-check arbitraries that build requests for every route (valid
// bodies mutated in every way a client or an attacker can get them wrong, raw malformed JSON and CSV bytes,
// adversarial headers, paths and query strings) and the oracle every answer is judged by. Shared by the seeded
// suite in workerd (endpoints.fuzz.test.ts) and the longer run against the bundle (bench/fuzz.ts), so both
// send the same kinds of requests and hold the answers to the same contract (shared/spec/api.md).
import fc from "fast-check";

// ------------------------------------------------------------------------------------------------ requests

/**
 * A body as sent: text (JSON or CSV, possibly malformed), raw bytes (wrong encodings, binary junk), or an
 * upload cut short: `bytes` arrive, then the connection drops before the `declared` length is reached.
 */
export type FuzzBody = { kind: "text"; text: string } | { kind: "bytes"; bytes: Uint8Array; note: string } | { kind: "truncated"; bytes: Uint8Array; declared: number };

export interface FuzzRequest {
  /** The route under test, as reports name it ("POST /v1/rank"). */
  endpoint: string;
  method: string;
  /** Path and query string as sent, starting with "/"; may hold fixture placeholders ({{name}}). */
  path: string;
  headers: [string, string][];
  body: FuzzBody | null;
}

/**
 * Placeholders for things that exist only once the target runs (the admin key, ids of fixtures created at
 * start-up), replaced by `resolveFixtures` just before sending; generated requests stay plain, seedable data.
 */
export const FIXTURE = {
  adminKey: "{{admin_key}}",
  banditExperiment: "{{experiment_bandit}}",
  fixedExperiment: "{{experiment_fixed}}",
  createdCampaign: "{{campaign_created}}",
  reviewCampaign: "{{campaign_review}}",
  approvedCampaign: "{{campaign_approved}}",
  /** A campaign the id-route fuzz may run, approve or delete (the others must keep their state). */
  scratchCampaign: "{{campaign_scratch}}",
  /** The latest campaign and experiment the fuzz itself created (so their odd contents get run and reported). */
  fuzzedCampaign: "{{campaign_fuzzed}}",
  fuzzedExperiment: "{{experiment_fuzzed}}",
  /** The latest decision served (feedback quotes it), starting from one made at start-up. */
  decisionRequestId: "{{decision_request_id}}",
  decisionItem: "{{decision_item}}",
  contentId: "{{content_id}}",
} as const;
export type FixtureName = (typeof FIXTURE)[keyof typeof FIXTURE];
export type FixtureValues = Record<FixtureName, string>;

/** Customer ids of the campaign fixtures (fixtureCampaignCsv), so results imports can name real members. */
export const FIXTURE_CUSTOMERS = 150;

const PLACEHOLDER = /\{\{[a-z_]+\}\}/g;

export function resolveFixtures(req: FuzzRequest, values: FixtureValues): FuzzRequest {
  const sub = (s: string) => s.replace(PLACEHOLDER, (m) => (m in values ? values[m as FixtureName] : m));
  return {
    ...req,
    path: sub(req.path),
    headers: req.headers.map(([k, v]) => [k, sub(v)]),
    body: req.body?.kind === "text" ? { kind: "text", text: sub(req.body.text) } : req.body,
  };
}

/**
 * Updates the fixtures from an accepted answer: the campaign or experiment a fuzzed request created becomes
 * the target of later id routes, and a served decision the one feedback quotes.
 */
export function learnFixtures(values: FixtureValues, req: FuzzRequest, status: number, body: string): void {
  if (status < 200 || status >= 300 || !body.startsWith("{")) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body) as unknown;
  } catch {
    return;
  }
  if (!isRecord(parsed)) return;
  const path = req.path.split("?")[0];
  if (req.method === "POST" && path === "/v1/campaigns" && typeof parsed.campaign_id === "string") values[FIXTURE.fuzzedCampaign] = parsed.campaign_id;
  if (req.method === "POST" && path === "/v1/experiments" && typeof parsed.id === "string") values[FIXTURE.fuzzedExperiment] = parsed.id;
  if (req.method === "POST" && path === "/v1/rank" && typeof parsed.request_id === "string" && Array.isArray(parsed.items) && parsed.items.length > 0) {
    const first: unknown = parsed.items[0];
    if (isRecord(first) && typeof first.content_id === "string") {
      values[FIXTURE.decisionRequestId] = parsed.request_id;
      values[FIXTURE.decisionItem] = first.content_id;
    }
  }
}

/** The bytes that actually arrive (for a truncated upload, the part before the connection drops). */
export function bodyBytes(body: FuzzBody | null): Uint8Array | null {
  if (!body) return null;
  return body.kind === "text" ? encoder.encode(body.text) : body.bytes;
}

/** A body cut at `pos`: the client declared the whole length, sent part of it and went away. */
function truncated(bytes: Uint8Array, pos: number): FuzzBody {
  const cut = bytes.length <= 1 ? 0 : pos % bytes.length;
  return { kind: "truncated", bytes: bytes.slice(0, cut), declared: Math.max(bytes.length, cut + 1) };
}

/**
 * The endpoint's own requests, each cut short mid-upload (a client that hangs up, a proxy that times out): a
 * fault class of its own, fuzzed apart so that it never hides the bad-input findings of the same route.
 */
export function droppedUploads(endpoint: FuzzEndpoint): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(endpoint.arbitrary, fc.nat())
    .filter(([req]) => req.body !== null && req.method !== "GET" && req.method !== "HEAD")
    .map(([req, pos]) => printable({ ...req, body: truncated(bodyBytes(req.body) ?? new Uint8Array(), pos) }));
}

/** One line a human can replay: method, path, headers and the start of the body (bodies can be megabytes). */
export function describeRequest(req: FuzzRequest, maxBody = 400): string {
  const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  const headers = req.headers.map(([k, v]) => `${k}: ${short(v, 120)}`).join(" | ");
  const body = !req.body
    ? "(none)"
    : req.body.kind === "text"
      ? JSON.stringify(short(req.body.text, maxBody))
      : req.body.kind === "bytes"
        ? `${req.body.bytes.byteLength} bytes (${req.body.note})`
        : `${JSON.stringify(short(new TextDecoder().decode(req.body.bytes), maxBody))}, then the connection drops (content-length ${req.body.declared})`;
  return `${req.method} ${short(req.path, 300)}  headers: [${headers}]  body: ${body}`;
}

/** fast-check prints counterexamples with this instead of dumping megabytes of generated body. */
function printable(req: FuzzRequest): FuzzRequest {
  Object.defineProperty(req, fc.toStringMethod, { value: () => describeRequest(req), enumerable: false });
  return req;
}

const encoder = new TextEncoder();

// ------------------------------------------------------------------------------------------------ scalars

/** Strings that have broken parsers, SQL, HTML, path handling and object prototypes elsewhere. */
const NASTY_STRINGS: readonly string[] = [
  "", " ", "\u0000", "a\u0000b", "\u0001\u0002\u001f\u007f", "\r\n", "\t", "\u2028\u2029", "\u0085", "\u00a0", "\u200b",
  "__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__",
  "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f", "%00", "%ZZ", "%",
  "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "</title><svg onload=alert(1)>", "javascript:alert(1)",
  "' OR '1'='1", "'; DROP TABLE items; --", "\") OR 1=1 --", "1; SELECT * FROM sqlite_master",
  "${7*7}", "{{7*7}}", "#{7*7}", "\u202egnp.exe", "\ufeff", "\ud800", "\udfff", "\ud83d", "x\ud800y", "💥🔥", "ｆｕｌｌ", "e\u0301", "İ", "ß",
  "NaN", "Infinity", "-Infinity", "-0", "1e308", "1e999", "0x10", "null", "undefined", "true", "false", "[]", "{}",
  "\\", "\"", "'", "`", "=cmd|' /C calc'!A0", "+SUM(1,1)", "@SUM(1)", "-2+3",
  `req_${"0".repeat(32)}`, `req_${"f".repeat(31)}`, `anon_${"a".repeat(200)}`, "c123", "p001", "homepage.hero", "control",
];

/** Any string, biased to the nasty ones; now and then a long one (past field caps, or past the body cap). */
export function adversarialString(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(41, 101, 129, 201, 1001, 2049, 4097, 20_001, 70_000), fc.constantFrom("x", "é", "💥", "\u0000", '"', "\\")).map(([n, ch]) => ch.repeat(n)),
    },
  );
}

/** Numbers at and past every boundary a schema might have, and the ones floating point gets wrong. */
export function adversarialNumber(): fc.Arbitrary<number> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(0, -0, 1, -1, 0.5, 2, 5, 50, 99, 100, 101, 500, 501, 1000, 1001, 86_401, 100_000, 100_001, 1_000_001, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53 + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE, 0.1 + 0.2, 1.0000000001, -0.000001),
    },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.integer() },
  );
}

/** Object keys: prototype-pollution names, empty and odd ones, and plain random ones. */
export function adversarialKey(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "toString", "", " ", "\u0000", "a.b", "$where", "id", "type", "status", "admin", "extra", "items", "0", "length") },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
}

/** An object with exactly these own keys, `__proto__` included as a plain key (as JSON.parse makes it). */
export function ownObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * Objects that break code which coerces what it did not type-check: a non-callable toString or valueOf (so
 * `String(x)`, `x >= 1` and template literals throw), array-likes with odd lengths, thenables.
 */
const HOSTILE_OBJECTS: readonly unknown[] = [
  { toString: 0 },
  { valueOf: 0, toString: 0 },
  { length: { toString: 0 } },
  { length: { valueOf: null, toString: null } },
  { length: 1e308 },
  { length: -1 },
  { length: "1" },
  { 0: "a", length: 1 },
  { then: 0 },
  { constructor: { name: 0 } },
  ownObject([["__proto__", { toString: 0 }]]),
];

const leafValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: adversarialString() },
    { weight: 3, arbitrary: adversarialNumber() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_OBJECTS) },
  );

/** Any JSON value with adversarial leaves and keys, a few levels deep. */
export function adversarialValue(): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
    value: fc.oneof({ depthSize: "small", maxDepth: 3 }, leafValue(), tie("array"), tie("object")),
    array: fc.array(tie("value"), { maxLength: 4 }),
    object: fc.array(fc.tuple(adversarialKey(), tie("value")), { maxLength: 4 }).map(ownObject),
  }));
  return value;
}

// ------------------------------------------------------------------------------------------------ JSON bodies

type Segment = string | number;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function allPaths(v: unknown, at: Segment[] = [], out: Segment[][] = []): Segment[][] {
  out.push(at);
  if (Array.isArray(v)) v.slice(0, 50).forEach((x, i) => allPaths(x, [...at, i], out));
  else if (isRecord(v)) for (const k of Object.keys(v)) allPaths(v[k], [...at, k], out);
  return out;
}

function getAt(root: unknown, path: readonly Segment[]): unknown {
  let v = root;
  for (const s of path) v = Array.isArray(v) ? v[s as number] : isRecord(v) ? v[s as string] : undefined;
  return v;
}

/** Short hostile text that free-text fields accept (so it gets past validation into storage and rendering). */
const FREE_TEXT: readonly string[] = NASTY_STRINGS.filter((x) => x.length > 0 && x.length <= 40);

/** Structural mutations; "text" and "hostile" twice, as they are the ones that get past validation or trip it. */
const MUTATIONS = ["delete", "replace", "add", "wrap", "retype", "null", "empty", "repeat", "deep", "huge", "text", "text", "hostile", "hostile"] as const;
type MutationOp = (typeof MUTATIONS)[number];
interface Mutation {
  pick: number;
  op: MutationOp;
  key: string;
  value: unknown;
  n: number;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom(...MUTATIONS),
  key: adversarialKey(),
  value: adversarialValue(),
  n: fc.constantFrom(2, 21, 51, 101, 201, 1001, 5001),
});

/**
 * Generated bodies stay below this many characters (apart from the deliberate "just past the cap" ones):
 * compounding mutations (a huge array of huge strings) would otherwise only measure the test runner's memory.
 */
export const MAX_GENERATED_CHARS = 3_000_000;

/** Depths that break recursive code (JSON.stringify of a payload, zod, renderers) at different stack sizes. */
const DEEP_DEPTHS = [64, 1000, 10_000, 30_000] as const;
const deepMarker = (depth: number, kind: "array" | "object") => `\u0000DEEP:${depth}:${kind}\u0000`;
const DEEP_MARKER = /"\\u0000DEEP:(\d+):(array|object)\\u0000"/g;

export function deepJson(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? `${"[".repeat(depth)}1${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

function setAt(root: unknown, path: readonly Segment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent[last as number] = value;
  else if (isRecord(parent)) Object.defineProperty(parent, String(last), { value, enumerable: true, writable: true, configurable: true });
  return root;
}

function applyMutation(root: unknown, m: Mutation): unknown {
  const paths = allPaths(root);
  const path = paths[m.pick % paths.length]!;
  const current = getAt(root, path);
  switch (m.op) {
    case "delete": {
      if (path.length === 0) return undefined;
      const parent = getAt(root, path.slice(0, -1));
      const last = path[path.length - 1]!;
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else if (isRecord(parent)) delete parent[last as string];
      return root;
    }
    case "replace":
      return setAt(root, path, m.value);
    case "add":
      if (Array.isArray(current)) current.push(m.value);
      else if (isRecord(current)) Object.defineProperty(current, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      else return setAt(root, path, ownObject([[m.key, m.value]]));
      return root;
    case "wrap":
      return setAt(root, path, [current]);
    case "retype":
      // The same value as the wrong type: "5" for 5, 5 for "5", {"value": x} for a string.
      return setAt(root, path, typeof current === "string" ? (Number.isNaN(Number(current)) ? { value: current } : Number(current)) : typeof current === "number" || typeof current === "boolean" ? String(current) : JSON.stringify(current) ?? "undefined");
    case "null":
      return setAt(root, path, null);
    case "empty":
      return setAt(root, path, Array.isArray(current) ? [] : isRecord(current) ? {} : typeof current === "number" ? 0 : "");
    case "repeat": {
      // Huge arrays: n copies of the element (or of the value), past every max length a schema sets, as many
      // as fit the size bound.
      const element = Array.isArray(current) ? (current[0] ?? m.value) : current;
      const copies = Math.min(m.n, Math.floor(MAX_GENERATED_CHARS / Math.max(1, (JSON.stringify(element) ?? "").length)));
      return setAt(root, path, Array.from({ length: copies }, () => element));
    }
    case "deep":
      return setAt(root, path, deepMarker(DEEP_DEPTHS[m.n % DEEP_DEPTHS.length]!, m.n % 2 === 0 ? "array" : "object"));
    case "huge":
      return setAt(root, path, (typeof current === "string" ? current : "x").padEnd(m.n * 70, "é"));
    case "hostile":
      return setAt(root, path, HOSTILE_OBJECTS[m.pick % HOSTILE_OBJECTS.length]);
    case "text":
      // Only strings change, so the body keeps its shape and the nasty text reaches storage and rendering.
      return typeof current === "string" ? setAt(root, path, FREE_TEXT[m.pick % FREE_TEXT.length]!) : applyMutation(root, { ...m, op: "replace", value: FREE_TEXT[m.n % FREE_TEXT.length] });
  }
}

/** JSON text for a (mutated) value; deep-nesting markers become the nesting itself (JSON.stringify would recurse). */
export function toJsonText(v: unknown): string {
  const text = JSON.stringify(v) ?? "";
  // Only the first marker nests deeply: a repeated one would multiply a 30,000-deep text thousands of times.
  let deep = 0;
  return text.replace(DEEP_MARKER, (_m, depth: string, kind: string) => deepJson(deep++ === 0 ? Number(depth) : 8, kind === "array" ? "array" : "object"));
}

const TEXT_MUTATIONS = ["truncate", "insert", "drop-char", "number", "trailing-comma", "single-quotes", "comment", "concat", "dup-key", "proto", "nul", "bom", "unquote-keys"] as const;
type TextMutationOp = (typeof TEXT_MUTATIONS)[number];

/** Breaks JSON text the way hand-written clients and truncated uploads do. */
function mutateText(text: string, op: TextMutationOp, pos: number, junk: string, num: string): string {
  const at = text.length === 0 ? 0 : pos % (text.length + 1);
  switch (op) {
    case "truncate":
      return text.slice(0, at);
    case "insert":
      return text.slice(0, at) + junk + text.slice(at);
    case "drop-char":
      return text.slice(0, at) + text.slice(at + 1);
    case "number":
      // Literals JSON.parse turns into Infinity, or that JSON does not allow at all.
      return /-?\d+(\.\d+)?([eE][+-]?\d+)?/.test(text) ? text.replace(/-?\d+(\.\d+)?([eE][+-]?\d+)?/, num) : `${text}${num}`;
    case "trailing-comma":
      return text.replace(/([}\]])$/, ",$1");
    case "single-quotes":
      return text.replace(/"/g, "'");
    case "comment":
      return `/* c */${text}// end`;
    case "concat":
      return `${text}${text}`;
    case "dup-key":
      // The same key twice with different types: which one wins must not matter to validation.
      return text.startsWith("{") && text.length > 2 ? `{"limit":"x","surface_id":{},"anon_id":[],${text.slice(1)}` : text;
    case "proto":
      return text.startsWith("{") && text.length > 2 ? `{"__proto__":{"admin":true,"polluted":1},"constructor":{"prototype":{"polluted":1}},${text.slice(1)}` : text;
    case "nul":
      return text.slice(0, at) + "\u0000" + text.slice(at);
    case "bom":
      return `\ufeff${text}`;
    case "unquote-keys":
      return text.replace(/"([a-z_]+)":/g, "$1:");
  }
}

const textMutationArb = fc.record({
  op: fc.constantFrom(...TEXT_MUTATIONS),
  pos: fc.nat(),
  junk: fc.oneof(fc.constantFrom(",", "}", "]", "{", "[", '"', "\\", ":", "\u0000", "\\u", "\\ud800", "💥", "NaN"), fc.string({ maxLength: 5 })),
  num: fc.constantFrom("1e999", "-1e999", "NaN", "Infinity", "-0", "01", "0x10", ".5", "+1", "1_000", "1e-400", "9".repeat(400), "-"),
});

/** Whole bodies that are not JSON objects at all, or barely JSON. */
const MALFORMED_JSON: readonly string[] = [
  "", " ", "\n", "null", "true", "0", "-0", "1e999", '"text"', "[]", "{}", "[{}]", "{", "}", "[", "]", '{"', '{"a"', '{"a":', '{"a":1,}', "{'a':1}",
  "{a:1}", '{"a":NaN}', '{"a":Infinity}', '{"a":undefined}', '{"a":01}', '{"a":"\\x41"}', '{"a":"\\ud800"}', '{"a":"\u0000"}', '{"a":1}{"b":2}', "[1,2,3,]",
  '{"__proto__":null}', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', "\ufeff{}", "<xml/>", "a=1&b=2", "--boundary\r\n",
];

/** Non-UTF-8 and binary renderings of a JSON (or CSV) text: what a misconfigured client or a scanner sends. */
const ENCODINGS = ["utf16le", "utf16le-bom", "utf16be-bom", "latin1", "invalid-byte", "overlong", "cut-multibyte", "nul-bytes", "random"] as const;
type Encoding = (typeof ENCODINGS)[number];

export function encodeAs(text: string, encoding: Encoding, pos: number, random: Uint8Array): FuzzBody {
  const utf16 = (littleEndian: boolean, bom: boolean) => {
    const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
    const view = new DataView(out.buffer);
    let o = 0;
    if (bom) {
      view.setUint16(0, 0xfeff, littleEndian);
      o = 2;
    }
    for (let i = 0; i < text.length; i++) view.setUint16(o + i * 2, text.charCodeAt(i), littleEndian);
    return out;
  };
  const utf8 = encoder.encode(text);
  const splice = (insert: number[]) => {
    const at = utf8.length === 0 ? 0 : pos % (utf8.length + 1);
    const out = new Uint8Array(utf8.length + insert.length);
    out.set(utf8.subarray(0, at), 0);
    out.set(insert, at);
    out.set(utf8.subarray(at), at + insert.length);
    return out;
  };
  switch (encoding) {
    case "utf16le":
      return { kind: "bytes", bytes: utf16(true, false), note: "UTF-16LE" };
    case "utf16le-bom":
      return { kind: "bytes", bytes: utf16(true, true), note: "UTF-16LE with BOM" };
    case "utf16be-bom":
      return { kind: "bytes", bytes: utf16(false, true), note: "UTF-16BE with BOM" };
    case "latin1":
      return { kind: "bytes", bytes: Uint8Array.from([...`${text}é`].map((ch) => { const c = ch.codePointAt(0)!; return c < 256 ? c : 0x3f; })), note: "ISO-8859-1" };
    case "invalid-byte":
      return { kind: "bytes", bytes: splice([0xff]), note: "UTF-8 with a 0xFF byte" };
    case "overlong":
      return { kind: "bytes", bytes: splice([0xc0, 0xaf]), note: "UTF-8 with an overlong '/'" };
    case "cut-multibyte":
      return { kind: "bytes", bytes: splice([0xe2, 0x82]), note: "UTF-8 with a truncated sequence" };
    case "nul-bytes":
      return { kind: "bytes", bytes: splice([0, 0, 0, 0]), note: "UTF-8 with raw NUL bytes" };
    case "random":
      return { kind: "bytes", bytes: random, note: "random bytes" };
  }
}

const encodingArb = (text: fc.Arbitrary<string>): fc.Arbitrary<FuzzBody> =>
  fc.tuple(text, fc.constantFrom(...ENCODINGS), fc.nat(), fc.uint8Array({ maxLength: 256 })).map(([t, enc, pos, random]) => encodeAs(t, enc, pos, random));

const text = (t: string): FuzzBody => ({ kind: "text", text: t });

/**
 * JSON bodies for an endpoint, from a generator of valid ones: some valid as they are (so accepted paths run
 * too), most mutated (1-4 structural mutations, sometimes a textual one on top), some any JSON at all, some
 * malformed text, some in the wrong encoding, and no body at all.
 */
export function jsonBody(valid: fc.Arbitrary<unknown>): fc.Arbitrary<FuzzBody | null> {
  // A deleted root leaves undefined, which goes out as an empty body.
  const clone = (v: unknown): unknown => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown));
  const mutated = fc.tuple(valid, fc.array(mutationArb, { minLength: 1, maxLength: 4 })).map(([v, ms]) =>
    ms.reduce((acc, m) => {
      // A mutation that would grow the body past the bound is skipped (the others still apply).
      const next = applyMutation(clone(acc), m);
      let size = Infinity;
      try {
        size = (JSON.stringify(next) ?? "").length;
      } catch {
        // Too big to serialise at all: the same as too big.
      }
      return size > MAX_GENERATED_CHARS ? acc : next;
    }, clone(v)),
  );
  const mutatedText = mutated.map((v) => toJsonText(v));
  return fc.oneof(
    { weight: 4, arbitrary: valid.map((v) => text(JSON.stringify(v))) },
    { weight: 12, arbitrary: mutatedText.map(text) },
    { weight: 2, arbitrary: fc.tuple(fc.oneof(valid.map((v) => JSON.stringify(v)), mutatedText), textMutationArb).map(([t, m]) => text(mutateText(t, m.op, m.pos, m.junk, m.num))) },
    { weight: 2, arbitrary: adversarialValue().map((v) => text(toJsonText(v))) },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_JSON).map(text) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...DEEP_DEPTHS), fc.boolean()).map(([d, arr]) => text(deepJson(d, arr ? "array" : "object"))) },
    { weight: 1, arbitrary: encodingArb(valid.map((v) => JSON.stringify(v))) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

// ------------------------------------------------------------------------------------------------ CSV bodies

/** Cell values that trip CSV readers and spreadsheet exports. */
const NASTY_CELLS: readonly string[] = [
  "", " ", '"', '""', '"quoted"', 'a"b', "a,b", "a\nb", "a\r\nb", "a\rb", "\u0000", "\ufeff", "NaN", "Infinity", "-Infinity", "1e308", "1e999", "-0", "-1",
  "0x10", "1,5", "1.2.3", "  7  ", "=cmd|' /C calc'!A0", "+SUM(1,1)", "@SUM(1)", "-2+3", "true", "yes", "maybe", "2026-13-45", "0000-00-00", "2099-01-01",
  "2026-02-30T25:61:00Z", "null", "undefined", "__proto__", "constructor", "💥", "e\u0301", "\ud800", "<script>", "'; DROP TABLE campaigns; --",
];

const csvCell = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_CELLS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom(129, 1001, 70_000, 1_100_000).map((n) => "x".repeat(n)) },
  );

const CSV_MUTATIONS = ["cell", "drop-cell", "add-cell", "dup-row", "drop-column", "rename-column", "many-columns", "dup-header", "blank-lines", "many-rows", "header-only", "no-header"] as const;
type CsvMutationOp = (typeof CSV_MUTATIONS)[number];

function mutateGrid(grid: string[][], op: CsvMutationOp, pick: number, cell: string, n: number): string[][] {
  const rows = grid.map((r) => [...r]);
  if (rows.length === 0) return [[cell]];
  const r = rows.length > 1 ? 1 + (pick % (rows.length - 1)) : 0;
  const row = rows[r]!;
  const c = row.length > 0 ? pick % row.length : 0;
  switch (op) {
    case "cell":
      row[c] = cell;
      return rows;
    case "drop-cell":
      row.splice(c, 1);
      return rows;
    case "add-cell":
      row.push(cell);
      return rows;
    case "dup-row":
      rows.splice(r, 0, [...row]);
      return rows;
    case "drop-column":
      return rows.map((x) => x.filter((_, k) => k !== c));
    case "rename-column": {
      const header = rows[0]!;
      if (header.length > 0) header[pick % header.length] = cell;
      return rows;
    }
    case "many-columns":
      // Past the 200-column cap, or a wide but valid header.
      if (rows.length * n > 200_000) return rows;
      return rows.map((x, k) => [...x, ...Array.from({ length: n }, (_, j) => (k === 0 ? `col_${j}` : String(j)))]);
    case "dup-header":
      rows[0]!.push(rows[0]![c] ?? "customer_id");
      return rows.map((x, k) => (k === 0 ? x : [...x, cell]));
    case "blank-lines":
      return [rows[0]!, [], [""], ...rows.slice(1), [], []];
    case "many-rows": {
      // Many rows, but a bounded file: copies of a row holding a megabyte cell would only measure memory.
      const rowBytes = Math.max(1, ...rows.map((x) => x.join(",").length));
      const copies = Math.min(n, Math.floor(MAX_GENERATED_CHARS / rowBytes));
      return [rows[0]!, ...Array.from({ length: copies }, (_, k) => rows[1 + (k % Math.max(1, rows.length - 1))] ?? [String(k)])];
    }
    case "header-only":
      return [rows[0]!];
    case "no-header":
      return rows.slice(1);
  }
}

function gridChars(grid: readonly string[][]): number {
  let n = 0;
  for (const row of grid) for (const cell of row) n += cell.length + 1;
  return n;
}

/** Serialises a grid with a quoting style and line endings of its own: RFC 4180, none at all, or broken. */
function gridToCsv(grid: string[][], quoting: "rfc" | "none" | "always" | "broken", eol: "\n" | "\r\n" | "\r" | "mixed", pick: number): string {
  const quote = (s: string, k: number) => {
    if (quoting === "none") return s;
    if (quoting === "broken" && k === pick % 7) return `"${s}`;
    if (quoting === "always" || /[",\r\n]/.test(s)) return `"${s.replace(/"/g, '""')}"`;
    return s;
  };
  let k = 0;
  const lines = grid.map((row) => row.map((cell) => quote(cell, k++)).join(","));
  if (eol !== "mixed") return lines.join(eol) + eol;
  const ends = ["\n", "\r\n", "\r"];
  return lines.map((l, i) => l + ends[(i + pick) % 3]).join("");
}

/**
 * CSV bodies from a generator of valid grids (header first): valid, cell- and structure-mutated, re-serialised
 * with other quoting and line endings, sometimes in the wrong encoding, sometimes not CSV at all.
 */
export function csvBody(valid: fc.Arbitrary<string[][]>, capBytes: number): fc.Arbitrary<FuzzBody | null> {
  const mutation = fc.record({ op: fc.constantFrom(...CSV_MUTATIONS), pick: fc.nat(), cell: csvCell(), n: fc.constantFrom(3, 50, 201, 1000, 3000) });
  const mutated = fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.constantFrom("rfc", "none", "always", "broken"), fc.constantFrom("\n", "\r\n", "\r", "mixed"), fc.nat())
    .map(([g, ms, quoting, eol, pick]) =>
      gridToCsv(
        ms.reduce((acc, m) => {
          // As for JSON: a mutation that would grow the file past the bound is skipped.
          const next = mutateGrid(acc, m.op, m.pick, m.cell, m.n);
          return gridChars(next) > MAX_GENERATED_CHARS ? acc : next;
        }, g),
        quoting,
        eol,
        pick,
      ),
    );
  const plain = valid.map((g) => gridToCsv(g, "rfc", "\n", 0));
  return fc.oneof(
    { weight: 4, arbitrary: plain.map(text) },
    { weight: 12, arbitrary: mutated.map(text) },
    { weight: 2, arbitrary: fc.tuple(plain, textMutationArb).map(([t, m]) => text(mutateText(t, m.op === "number" ? "insert" : m.op, m.pos, m.junk, m.num))) },
    { weight: 1, arbitrary: fc.constantFrom("", "\n", "\r\n\r\n", ",,,\n,,,", '"', '"unterminated\n', "\ufeff", "customer_id", "customer_id\n", "a;b;c\n1;2;3\n", "a\tb\n1\t2\n", "{}", "[]").map(text) },
    { weight: 2, arbitrary: encodingArb(plain) },
    { weight: 1, arbitrary: fc.constant(null) },
    // One byte past the route's cap, streamed (the declared-length check is the content-length header's case).
    { weight: 1, arbitrary: fc.constant(null).map(() => text(`customer_id,note\nc1,${"x".repeat(capBytes)}\n`)) },
  );
}

// ------------------------------------------------------------------------------------------------ headers

export const JSON_TYPES: readonly string[] = [
  "application/json; charset=utf-8", "Application/JSON", " application/json ", "application/json;charset=utf-16", "application/json; charset=latin1",
  "application/json, text/plain", "application/jsonp", "application/json-patch+json", "application/vnd.api+json", "text/json", "text/plain", "text/csv",
  "multipart/form-data; boundary=----x", "application/x-www-form-urlencoded", "application/octet-stream", "", "*/*", ";", "application/", "json",
  'application/json; boundary="x"; q=0.1', `application/json; ${"x=1; ".repeat(200)}`,
];
export const CSV_TYPES: readonly string[] = [
  "text/csv; charset=utf-8", "TEXT/CSV", "text/csv;charset=utf-16", " text/csv", "text/comma-separated-values", "application/csv", "text/plain",
  "application/json", "application/vnd.ms-excel", "multipart/form-data; boundary=----x", "", "text/csv, application/json",
];

/** Authorization values other than the right one: absent, malformed, other schemes, near misses, huge. */
const BAD_AUTH: readonly (string | null)[] = [
  null, "", "Bearer", "Bearer ", "Bearer  ", "Basic dGVzdDp0ZXN0", "Token {{admin_key}}", "{{admin_key}}", "Bearer wrong-key", "Bearer {{admin_key}}x",
  "Bearer x{{admin_key}}", "Bearer {{admin_key}}, Bearer other", "Bearer\t{{admin_key}}x", "Bearer null", "Bearer undefined", `Bearer ${"k".repeat(8000)}`,
  "Digest username=\"admin\"", "Bearer %7B%7Badmin_key%7D%7D", "bearer", "BEARER wrong",
];
/** Accepted spellings of the right key: case of the scheme and surrounding whitespace do not matter. */
const GOOD_AUTH: readonly string[] = ["Bearer {{admin_key}}", "Bearer {{admin_key}}", "Bearer {{admin_key}}", "bearer {{admin_key}}", "  Bearer   {{admin_key}}  ", "BEARER {{admin_key}}"];

/** Header values a Request can carry (printable ASCII and tabs: other bytes are the client library's problem). */
const headerValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...[..." !#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~\t\""]), maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom(1000, 8000).map((n) => "v".repeat(n)) },
  );

/** Headers that are not the route's business but must never hurt it. */
const EXTRA_HEADERS: readonly (readonly [string, fc.Arbitrary<string>])[] = [
  // Past every cap, not a number, shorter than the body, and longer than it (the rest never comes).
  ["content-length", fc.constantFrom("99999999999999999999", "26214401", "9007199254740993", "-1", "abc", "0", "1", "100", "65536", "1e3", "0x10", " 12 ", "")],
  ["accept", fc.constantFrom("text/html", "application/json", "*/*", "text/csv", "image/*", "", "text/html;q=0.9, application/json;q=1")],
  ["user-agent", fc.oneof(fc.constantFrom("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)", "curl/8.0", "Googlebot/2.1", "", "() { :; }; echo vulnerable"), headerValue())],
  ["x-forwarded-for", fc.constantFrom("1.2.3.4", "::1", "999.999.999.999, evil", "")],
  ["cf-connecting-ip", fc.constantFrom("203.0.113.7", "not-an-ip")],
  ["origin", fc.constantFrom("https://evil.example", "null", "")],
  ["referer", fc.oneof(fc.constantFrom("https://www.google.com/", "android-app://com.instagram", "not a url", "javascript:alert(1)"), headerValue())],
  ["x-request-id", fc.constantFrom("req_" + "0".repeat(32), "spoofed", "")],
  ["if-none-match", fc.constantFrom("*", 'W/"x"', '"x", "y"', "", "garbage")],
  ["accept-encoding", fc.constantFrom("gzip, br", "identity;q=0", "*")],
  ["content-encoding", fc.constantFrom("gzip", "br", "identity")],
  ["cookie", fc.constantFrom("a=b", "=", ";;;", "aura_consent=analytics,personalization", "aura_aid=anon_0123456789abcdef")],
  ["x-junk", headerValue()],
];

function pickHeaders(choices: readonly (readonly [string, fc.Arbitrary<string>])[]): fc.Arbitrary<[string, string][]> {
  return fc.subarray([...choices.keys()], { maxLength: 3 }).chain((idx) => (idx.length === 0 ? fc.constant([]) : fc.tuple(...idx.map((i) => choices[i]![1].map((v): [string, string] => [choices[i]![0], v])))));
}

export interface HeaderOptions {
  /** The content type the route wants, or null when it reads no body. */
  contentType: "application/json" | "text/csv" | null;
  admin: boolean;
}

/** The right content type most of the time (so validation is reached), else a near miss or none at all. */
export function headersArb(opts: HeaderOptions): fc.Arbitrary<[string, string][]> {
  const types = opts.contentType === "text/csv" ? CSV_TYPES : JSON_TYPES;
  const contentType: fc.Arbitrary<string | null> =
    opts.contentType === null
      ? fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...JSON_TYPES, ...CSV_TYPES) })
      : fc.oneof({ weight: 10, arbitrary: fc.constant(opts.contentType) }, { weight: 3, arbitrary: fc.constantFrom(...types) }, { weight: 1, arbitrary: fc.constant(null) });
  const auth: fc.Arbitrary<string | null> = opts.admin
    ? fc.oneof({ weight: 16, arbitrary: fc.constantFrom(...GOOD_AUTH) }, { weight: 3, arbitrary: fc.constantFrom(...BAD_AUTH) }, { weight: 1, arbitrary: headerValue() })
    : fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom("Bearer {{admin_key}}", "Bearer wrong", "Basic x") });
  return fc.tuple(contentType, auth, fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: pickHeaders(EXTRA_HEADERS) })).map(([ct, a, extra]) => {
    const out: [string, string][] = [];
    if (ct !== null) out.push(["content-type", ct]);
    if (a !== null) out.push(["authorization", a]);
    return [...out, ...extra];
  });
}

// ------------------------------------------------------------------------------------------------ paths

/** Percent-encodes; a lone surrogate (which cannot be encoded) goes out as the malformed escape it would be. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return "%ED%A0%80";
  }
}

/** Path segments for ids: fixtures and plausible ids (found or 404), and everything a router must survive. */
export function idSegment(plausible: fc.Arbitrary<string>, fixtures: readonly string[] = []): fc.Arbitrary<string> {
  const weird = fc.constantFrom(
    "..", "%2e%2e", "..%2f..%2fetc%2fpasswd", "%2F", "a%2Fb", "%00", "a%00b", "%ZZ", "%", "%E0%A4%A", "%C0%AE%C0%AE", "%20", "~", ".", "null", "undefined",
    "__proto__", "constructor", "toString", "%F0%9F%92%A5", "%ED%A0%80", `cmp_${"0".repeat(16)}`, `CMP_${"A".repeat(16)}`, "x".repeat(300), "x".repeat(5000), "1e999", "-0",
  );
  return fc.oneof(
    ...(fixtures.length ? [{ weight: 4, arbitrary: fc.constantFrom(...fixtures) }] : []),
    { weight: 3, arbitrary: plausible },
    { weight: 3, arbitrary: adversarialString().map((s) => encode(s.slice(0, 2000))) },
    { weight: 2, arbitrary: weird },
  );
}

/** A query string from known parameters (valid or not) and junk ones, duplicated, unencoded or empty. */
export function queryArb(params: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const names = Object.keys(params);
  const known = names.length ? fc.constantFrom(...names).chain((k) => fc.oneof({ weight: 3, arbitrary: params[k]! }, { weight: 1, arbitrary: adversarialString() }).map((v): [string, string] => [k, v])) : null;
  const junk = fc.tuple(adversarialKey(), adversarialString()).map(([k, v]): [string, string] => [k, v]);
  const pair = known ? fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: junk }) : junk;
  return fc.tuple(fc.array(pair, { maxLength: 4 }), fc.constantFrom("", "?", "&", "&&", "=", "%", "==&")).map(([pairs, tail]) => {
    if (pairs.length === 0) return tail === "" ? "" : `?${tail}`;
    return `?${pairs.map(([k, v]) => `${encode(k.slice(0, 200))}=${encode(v.slice(0, 3000))}`).join("&")}${tail.startsWith("?") ? "" : tail}`;
  });
}

// ------------------------------------------------------------------------------------------------ endpoints

export interface AllowedFailure {
  status: number;
  code: string;
  why: string;
}

/** Paths aura answers itself (API_PATH in workers/app.ts); every other path is the storefront's, proxied. */
const API_PATH = /^\/(v1\/|health$|openapi\.json$|sdk\.js$|dashboard(\/|$)|cdn-cgi\/)/;

/** Whether a request path gets aura's JSON errors (true) or the storefront's HTML pages (false), as the URL parser sees it. */
export function isApiPath(path: string): boolean {
  return API_PATH.test(new URL(`http://aura.test${path}`).pathname);
}

export interface FuzzEndpoint {
  /** Method and route pattern, e.g. "POST /v1/rank". */
  name: string;
  /** Whether the route reads a request body (then droppedUploads applies to it). */
  readsBody: boolean;
  /** 5xx answers the contract allows here: a dependency absent by design, with the code that says so. */
  allowed5xx: readonly AllowedFailure[];
  /** Runs in the CI suite; the bench scales these. */
  runs: number;
  /** Requests with an admin key as a rule: the right key mostly, all its wrong spellings too. */
  admin: boolean;
  arbitrary: fc.Arbitrary<FuzzRequest>;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

/** The route's method nearly always; now and then any other (unrouted methods must 404, not 500). */
const methodArb = (method: string) => fc.oneof({ weight: 19, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) });

interface RouteSpec {
  name: string;
  /** The route's method and paths; or `target` for routes whose method goes with the path (GET /:id, DELETE /:id). */
  method?: string;
  path?: fc.Arbitrary<string>;
  target?: fc.Arbitrary<{ method: string; path: string }>;
  body: fc.Arbitrary<FuzzBody | null> | null;
  contentType: HeaderOptions["contentType"];
  admin: boolean;
  runs: number;
  allowed5xx?: readonly AllowedFailure[];
  /** Extra headers this route reads (cookies for pages, accept for reports). */
  headers?: fc.Arbitrary<[string, string][]>;
}

function route(spec: RouteSpec): FuzzEndpoint {
  const target = spec.target ?? fc.record({ method: methodArb(spec.method ?? "GET"), path: spec.path ?? fc.constant("/") });
  const arbitrary = fc
    .record({
      target,
      headers: headersArb({ contentType: spec.contentType, admin: spec.admin }),
      more: spec.headers ?? fc.constant<[string, string][]>([]),
      body: spec.body ?? fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: jsonBody(adversarialValue()) }),
    })
    .map(({ target: { method, path }, headers, more, body }) =>
      printable({
        endpoint: spec.name,
        method,
        path,
        headers: [...headers, ...more],
        // GET and HEAD carry no body in fetch; a body on them is not a request a client can send.
        body: method === "GET" || method === "HEAD" ? null : body,
      }),
    );
  return { name: spec.name, readsBody: spec.body !== null, allowed5xx: spec.allowed5xx ?? [], runs: spec.runs, admin: spec.admin, arbitrary };
}

const constPath = (p: string) => fc.tuple(fc.constant(p), queryArb({})).map(([a, q]) => a + q);
/** A small pool of visitors, so profiles build up across runs and rejected requests meet existing ones. */
const anonId = fc.integer({ min: 0, max: 60 }).map((n) => `anon_fuzz_${n}`);
const recentTs = fc.integer({ min: 1, max: 90 * 24 * 60 }).map((minutesAgo) => new Date(Date.UTC(2025, 10, 1) - minutesAgo * 60_000).toISOString());
const SURFACES = ["homepage.hero", "homepage.carousel", "product.related", "checkout.upsell", "content.guides"] as const;
const PRODUCTS = ["p001", "p002", "p003", "p010", "p020", "p044", "p122", "p151"] as const;
const CONSENTS = [["analytics", "personalization"], ["analytics"], ["personalization"], [], ["analytics", "personalization", "marketing"]] as const;

const userCtx = fc.record({ anon: anonId, consent: fc.constantFrom(...CONSENTS), device: fc.constantFrom("mobile", "tablet", "desktop"), full: fc.boolean() }).map(({ anon, consent, device, full }) =>
  full
    ? {
        anon_id: anon, session_id: "sess_fuzz", device, referrer: "https://www.google.com/", page_type: "index", utm: { source: "instagram", medium: "social", campaign: "spring" },
        consent: [...consent], geo: { country: "US", region: "CA" }, profile: { user_id: "u_fuzz", skill_level: "beginner", interests: ["photo"] },
      }
    : { anon_id: anon, consent: [...consent] },
);

const rankValid = fc.record({ surface: fc.constantFrom(...SURFACES), ctx: userCtx, extras: fc.boolean(), limit: fc.integer({ min: 1, max: 100 }) }).map(({ surface, ctx, extras, limit }) => ({
  surface_id: surface,
  user_ctx: ctx,
  ...(extras ? { candidates: [...PRODUCTS], limit, context: { campaign: "summer_sale", time_of_day: "evening", product_id: "p001", cart: ["p002", "p003"] }, explain: true } : {}),
}));

const EVENT_TYPES = ["page_view", "click", "search", "add_to_cart", "remove_from_cart", "purchase", "wishlist", "quiz_answer"] as const;
const eventValid = fc.record({ type: fc.constantFrom(...EVENT_TYPES), ts: recentTs, product: fc.constantFrom(...PRODUCTS), id: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }) }).map(({ type, ts, product, id }) => ({
  ...(id !== undefined ? { event_id: `ev_fuzz_${id}` } : {}),
  type, ts, url: `/products/${product}`, page_type: "product", category: "photo", product_id: product,
  query: type === "search" ? "beginner presets" : null, value: type === "purchase" ? 19.5 : null, referrer: "https://instagram.com", utm: { source: "instagram" },
  ...(type === "quiz_answer" ? { quiz: { question: "skill", answer: "beginner" } } : {}),
}));
const eventsValid = fc.record({ anon: anonId, consent: fc.constantFrom(...CONSENTS), events: fc.array(eventValid, { minLength: 1, maxLength: 5 }), device: fc.constantFrom("mobile", "desktop") }).map(({ anon, consent, events, device }) => ({
  anon_id: anon, session_id: "sess_fuzz", consent: [...consent], device, events,
}));

const REWARDS = ["impression", "click", "add_to_cart", "purchase", "dismiss"] as const;
const feedbackValid = fc.record({ known: fc.boolean(), n: fc.integer({ min: 0, max: 2 ** 31 }), type: fc.constantFrom(...REWARDS), value: fc.double({ min: 0, max: 100_000, noNaN: true }), ctx: fc.boolean() }).map(({ known, n, type, value, ctx }) => ({
  request_id: known ? FIXTURE.decisionRequestId : `req_${n.toString(16).padStart(32, "0")}`,
  item_id: known ? FIXTURE.decisionItem : "p001",
  reward: { type, value, timestamp: "2025-11-01T10:00:00Z" },
  ...(ctx ? { context: { position: 1, dwell_time: 45.2, scroll_depth: 0.8 } } : {}),
}));

const assistantValid = fc.record({ ctx: userCtx, cart: fc.subarray([...PRODUCTS], { maxLength: 3 }) }).map(({ ctx, cart }) => ({ question: "Which preset pack suits a beginner?", cart, user_ctx: ctx }));

const experimentValid = fc.record({ n: fc.integer({ min: 0, max: 1000 }), surface: fc.constantFrom(...SURFACES), bandit: fc.boolean(), layer: fc.boolean() }).map(({ n, surface, bandit, layer }) => ({
  id: `exp_fz_${n}`,
  surface_id: surface,
  variants: [
    { id: "control", weight: 0.5, payload: { headline: "Create more" } },
    { id: "treatment", weight: 0.5, payload: { headline: "Start today", cta: { text: "Go", color: "#fff" } } },
  ],
  allocation: bandit ? "bandit" : "fixed",
  holdout: 0.05,
  ...(layer && !bandit ? { layer: "hero", layer_share: 0.25 } : {}),
  metric: "click",
  guardrails: ["purchase"],
  segmented: true,
  segment_by: "persona",
  shards: 2,
}));
const patchValid = fc.oneof(fc.constantFrom("running", "paused", "stopped").map((status) => ({ status })), fc.constant({ weights: { control: 0.4, treatment: 0.6 } }));

const searchValid = fc.record({ q: fc.constantFrom("how to optimize conversion rates", "beginner presets", "lightroom"), filters: fc.boolean(), limit: fc.integer({ min: 1, max: 50 }) }).map(({ q, filters, limit }) => ({
  query: q,
  ...(filters ? { filters: { topics: ["marketing"], personas: ["novice_shopper"], jurisdictions: ["US"] } } : {}),
  limit,
}));
const approvedDoc = fc.record({ n: fc.integer({ min: 0, max: 500 }), kind: fc.constantFrom("brand", "product", "offer") }).map(({ n, kind }) => ({
  id: `cfz_${n}`, kind, title: "Fuzzed guideline", body: "Our presets cost $19 and work in Lightroom Classic.", tags: ["fuzz"],
}));
const approvedValid = fc.oneof(approvedDoc, fc.array(approvedDoc, { minLength: 1, maxLength: 3 }));

const screenValid = fc.record({ text: fc.constantFrom("Save 20% on presets this week!", "Email support@aura-demo.shop for help", "Call me at 555-0100"), channel: fc.constantFrom("email", "sms", "push", "web") });

const simulationValid = fc.record({ seed: fc.integer({ min: 0, max: 1000 }) }).map(({ seed }) => ({
  truth: {
    baseline: { default: { open: 0.3, click: 0.1, convert: 0.05 }, champions: { open: 0.5, click: 0.2, convert: 0.1 } },
    effects: { default: { urgency: 1.2, education: 1.1 } },
    modifiers: [{ attribute: "age", above: 30, multiplier: 1.1 }],
  },
  seed,
}));

/** A catalog item shaped like the demo's (shared/catalog/item.ts), under an id of the fuzz's own. */
const catalogItem = fc.record({ n: fc.integer({ min: 0, max: 200 }), kind: fc.constantFrom("product", "content") }).map(({ n, kind }) => ({
  id: `fz_item_${n}`, kind, title: "Fuzz preset pack", url: `/products/fz-item-${n}`, image: null, category: "photo", cluster: "photo_presets", topics: ["presets"], tags: ["starter"],
  skill_level: "beginner", price: 19, currency: "USD", margin: 0.6, inventory: null, trend: 0.4, popularity: 0.3, seasonal_tags: [], published_at: "2025-06-01T00:00:00Z",
  jurisdictions: [], policy_flags: [], devices: [], personas: ["novice_shopper"], summary: "A pack of presets.", body: "",
}));
const catalogJsonValid = fc.oneof(fc.array(catalogItem, { minLength: 1, maxLength: 3 }), fc.array(catalogItem, { minLength: 1, maxLength: 2 }).map((items) => ({ items })));
const catalogCsvValid = fc.array(catalogItem, { minLength: 1, maxLength: 3 }).map((items) => {
  const cols = Object.keys(items[0]!);
  return [cols, ...items.map((it) => cols.map((c) => { const v = (it as Record<string, unknown>)[c]; return Array.isArray(v) ? v.join("|") : v === null ? "" : String(v); }))];
});

/** Customers of the fixture campaigns: ids fz_0..fz_149 in three behavioural groups, with RFM and attributes. */
export function fixtureCampaignCsv(): string {
  const lines = ["customer_id,first_name,recency_days,frequency,monetary,tenure_days,age,vip"];
  for (let i = 0; i < FIXTURE_CUSTOMERS; i++) {
    const kind = i % 3;
    lines.push(`fz_${i},Name${i},${kind === 0 ? 5 + (i % 15) : kind === 1 ? 30 + (i % 50) : 200 + (i % 150)},${kind === 0 ? 10 + (i % 8) : kind === 1 ? 4 + (i % 4) : 1 + (i % 2)},${kind === 0 ? 900 + i : kind === 1 ? 300 + i : 40 + (i % 60)},${100 + i},${20 + (i % 50)},${i % 4 === 0 ? "yes" : "no"}`);
  }
  return `${lines.join("\n")}\n`;
}

const campaignCsvValid = fc.record({ orders: fc.boolean(), rows: fc.integer({ min: 1, max: 60 }), offset: fc.integer({ min: 0, max: 100_000 }) }).map(({ orders, rows, offset }) =>
  orders
    ? [["customer_id", "order_date", "amount", "order_id"], ...Array.from({ length: rows }, (_, i) => [`fzo_${offset + (i % 20)}`, `2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`, String(10 + ((i * 7) % 300)), `o${i}`])]
    : [["customer_id", "first_name", "recency_days", "frequency", "monetary", "age", "vip"], ...Array.from({ length: rows }, (_, i) => [`fzc_${offset + i}`, `N${i}`, String(i % 400), String(1 + (i % 20)), String(20 + ((i * 37) % 2000)), String(18 + (i % 60)), i % 2 ? "yes" : "no"])],
);
const campaignParams = queryArb({
  name: fc.constantFrom("Spring", "x".repeat(201), "  ", "Été 💥"),
  segments: fc.constantFrom("auto", "rfm", "kmeans", "dbscan", ""),
  variants_per_segment: fc.constantFrom("1", "3", "5", "6", "0", "-1", "2.5", "1e3", "NaN"),
  channel: fc.constantFrom("email", "sms"),
  auto_approve: fc.constantFrom("true", "false", "1", "0", "yes", ""),
  scheduled_at: fc.constantFrom("2030-01-01T00:00:00Z", "2030-01-01", "tomorrow", "2030-01-01T00:00:00+25:00"),
  seed: fc.constantFrom("7", "-1", "2147483648", "1e9", "x"),
});

const FLAGS = ["0", "1", "true", "false", "yes", "no", "y", "n", "", "maybe", "2", "-1", "TRUE", " 1 "];
const resultsCsvValid = fc.array(fc.tuple(fc.integer({ min: 0, max: FIXTURE_CUSTOMERS + 20 }), fc.constantFrom(...FLAGS), fc.constantFrom(...FLAGS), fc.constantFrom(...FLAGS)), { minLength: 1, maxLength: 40 }).map((rows) => [
  ["customer_id", "opened", "clicked", "converted"],
  ...rows.map(([i, o, c, v]) => [`fz_${i}`, o, c, v]),
]);

const experimentIds = [FIXTURE.banditExperiment, FIXTURE.fixedExperiment, FIXTURE.fuzzedExperiment];
const experimentId = idSegment(fc.integer({ min: 0, max: 1000 }).map((n) => `exp_fz_${n}`), experimentIds);
const userId = idSegment(fc.oneof(anonId, fc.constantFrom("fz_1", "u_fuzz", "a".repeat(128), "a".repeat(129))));
const campaignId = (fixtures: readonly string[]) => idSegment(fc.integer({ min: 0, max: 2 ** 30 }).map((n) => `cmp_${n.toString(16).padStart(16, "0")}`), fixtures);
const instant = fc.constantFrom("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000+02:00", "2026-01-01", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "now", "-1");
/** Counts and limits in a query string: in range, at and past the bounds, fractions, and not numbers at all. */
const intParam = fc.constantFrom("1", "10", "100", "200", "201", "500", "501", "0", "-1", "1.5", "2.5", "99.9", "1e3", "1e999", "NaN", "Infinity", "-0", "0x10", " 5", "");

/** Cookies a storefront page reads (consent, anonymous id) and junk around them, sometimes huge. */
const pageCookie = fc
  .tuple(
    fc.constantFrom("analytics,personalization", "analytics", "personalization", "", "marketing,age_verified", "%E0%A4%A", "analytics%2Cpersonalization", "__proto__", "x".repeat(4000)),
    fc.constantFrom("anon_0123456789abcdef", "anon_short", "anon_" + "z".repeat(60), "<script>", "%ZZ", "", "anon_fuzz_1"),
    fc.constantFrom("", "; theme=dark", "; a=b; a=c", ";;=;", "; " + "junk=1; ".repeat(300), "; aura_aid=anon_second00000000"),
  )
  .map(([consent, aid, rest]): [string, string][] => [["cookie", `aura_consent=${consent}; aura_aid=${aid}${rest}`]]);

const pagePath = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("/", "/index.html", "/guides", "/cart", "/checkout", "/assets/storefront.css", "/assets/storefront.js", "/assets/favicon.svg", "/assets/catalog.json", "/robots.txt", "/favicon.ico") },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom("/products/", "/guides/", "/collections/", "/assets/img/", "/img/"), idSegment(fc.constantFrom(...PRODUCTS, "free-preset-sampler", "photo", "vector", "bundle", "p001.svg", "free-preset-sampler.jpg"))).map(([a, b]) => a + b) },
  { weight: 2, arbitrary: fc.array(idSegment(fc.constantFrom("a", "products", "guides")), { minLength: 1, maxLength: 4 }).map((segs) => `/${segs.join("/")}`) },
  { weight: 1, arbitrary: fc.constantFrom("//", "/./", "/%2e%2e/", "/..%2f..%2f", `/${"a/".repeat(500)}`, `/${"x".repeat(7000)}`, "/%ED%A0%80", "/%F0%9F%92%A5") },
);
const pageQuery = queryArb({
  utm_source: fc.constantFrom("instagram", "newsletter", "x".repeat(500)),
  utm_medium: fc.constantFrom("social", "email", ""),
  utm_campaign: fc.constantFrom("spring", "%%"),
  skill: fc.constantFrom("beginner", "pro", "godlike"),
  sort: fc.constantFrom("popular", "price_asc", "newest", "random"),
  q: adversarialString(),
});

/**
 * Every route of workers/app.ts, with the share of runs each gets in CI. Admin routes are fuzzed with the
 * right key most of the time (so their validation runs) and with every wrong spelling of it.
 */
export function fuzzEndpoints(): FuzzEndpoint[] {
  const json = (v: fc.Arbitrary<unknown>) => jsonBody(v);
  const id = (p: string) => fc.tuple(fc.constant(p), queryArb({})).map(([a, q]) => a + q);
  const campaignSub = (fixtures: readonly string[], sub: string) => fc.tuple(campaignId(fixtures), queryArb({})).map(([c, q]) => `/v1/campaigns/${c}${sub}${q}`);
  return [
    // ---- public
    route({ name: "POST /v1/rank", method: "POST", path: id("/v1/rank"), body: json(rankValid), contentType: "application/json", admin: false, runs: 250 }),
    route({ name: "POST /v1/events", method: "POST", path: id("/v1/events"), body: json(eventsValid), contentType: "application/json", admin: false, runs: 250 }),
    route({ name: "POST /v1/feedback", method: "POST", path: id("/v1/feedback"), body: json(feedbackValid), contentType: "application/json", admin: false, runs: 200 }),
    route({
      name: "POST /v1/assistant", method: "POST", path: id("/v1/assistant"), body: json(assistantValid), contentType: "application/json", admin: false, runs: 120,
      allowed5xx: [{ status: 503, code: "assistant_unavailable", why: "no ANTHROPIC_API_KEY here: the contract's 503 for an absent dependency, the storefront's rule-based assistant answers instead" }],
    }),
    route({ name: "GET /sdk.js", method: "GET", path: constPath("/sdk.js"), body: null, contentType: null, admin: false, runs: 40 }),
    route({ name: "GET /health", method: "GET", path: constPath("/health"), body: null, contentType: null, admin: false, runs: 40 }),
    route({ name: "GET /openapi.json", method: "GET", path: constPath("/openapi.json"), body: null, contentType: null, admin: false, runs: 30 }),
    route({ name: "GET /dashboard/*", method: "GET", path: fc.tuple(fc.constantFrom("/dashboard", "/dashboard/", "/dashboard/app.js", "/dashboard/app.css", "/dashboard/x", "/dashboard/../v1/experiments"), queryArb({})).map(([a, q]) => a + q), body: null, contentType: null, admin: false, runs: 40 }),
    route({ name: "* /v1/<unknown>", method: "GET", path: fc.tuple(fc.constantFrom("/v1/", "/v1", "/v2/rank", "/v1/rank/extra", "/v1/admin/indexer/refresh", "/v1/admin/indexer/status", "/cdn-cgi/x", "/v1/admin", "/V1/RANK"), idSegment(fc.constant("x")), queryArb({})).map(([a, b, q]) => `${a}${a.endsWith("/") ? "" : "/"}${b}${q}`), body: null, contentType: "application/json", admin: true, runs: 60 }),
    route({ name: "GET <storefront page>", method: "GET", path: fc.tuple(pagePath, pageQuery).map(([p, q]) => p + q), body: null, contentType: null, admin: false, runs: 200, headers: pageCookie }),
    // ---- experiments
    route({ name: "POST /v1/experiments", method: "POST", path: id("/v1/experiments"), body: json(experimentValid), contentType: "application/json", admin: true, runs: 150 }),
    route({ name: "GET /v1/experiments[/:id[/report|/posteriors]]", method: "GET", path: fc.tuple(experimentId, fc.constantFrom("", "/report", "/posteriors", "/x"), queryArb({})).map(([e, s, q]) => (e === "" ? `/v1/experiments${q}` : `/v1/experiments/${e}${s}${q}`)), body: null, contentType: null, admin: true, runs: 100 }),
    route({ name: "PATCH /v1/experiments/:id", method: "PATCH", path: fc.tuple(experimentId, queryArb({})).map(([e, q]) => `/v1/experiments/${e}${q}`), body: json(patchValid), contentType: "application/json", admin: true, runs: 120 }),
    route({
      name: "POST /v1/experiments/:id/arms/:arm/:action", method: "POST",
      path: fc.tuple(experimentId, idSegment(fc.constantFrom("control", "treatment", "arm_x")), idSegment(fc.constantFrom("retire", "reset", "delete")), queryArb({ segment: fc.constantFrom("novice_shopper", "seg_x", "") })).map(([e, a, act, q]) => `/v1/experiments/${e}/arms/${a}/${act}${q}`),
      body: null, contentType: null, admin: true, runs: 80,
    }),
    // ---- visitors
    route({ name: "GET /v1/segments/:user_id", method: "GET", path: fc.tuple(userId, queryArb({})).map(([u, q]) => `/v1/segments/${u}${q}`), body: null, contentType: null, admin: true, runs: 80 }),
    route({
      name: "GET|POST|DELETE /v1/users/:user_id[/next-action|/opt-out]",
      target: fc.tuple(userId, fc.constantFrom(["GET", "/next-action"], ["GET", "/next-action"], ["POST", "/opt-out"], ["DELETE", ""], ["GET", "/x"]), queryArb({}), methodArb("")).map(([u, [m, s], q, other]) => ({ method: other || m, path: `/v1/users/${u}${s}${q}` })),
      body: null, contentType: null, admin: true, runs: 80,
    }),
    // ---- content and safety
    route({ name: "POST /v1/content/search", method: "POST", path: id("/v1/content/search"), body: json(searchValid), contentType: "application/json", admin: true, runs: 150 }),
    route({ name: "POST /v1/content/approved", method: "POST", path: id("/v1/content/approved"), body: json(approvedValid), contentType: "application/json", admin: true, runs: 120 }),
    route({
      name: "GET|DELETE /v1/content/approved[/:id]",
      target: fc.oneof(
        fc.tuple(idSegment(fc.integer({ min: 0, max: 600 }).map((n) => `cfz_${n}`), [FIXTURE.contentId]), queryArb({}), methodArb("DELETE")).map(([c, q, m]) => ({ method: m, path: `/v1/content/approved/${c}${q}` })),
        fc.tuple(queryArb({}), methodArb("GET")).map(([q, m]) => ({ method: m, path: `/v1/content/approved${q}` })),
      ),
      body: null, contentType: null, admin: true, runs: 60,
    }),
    route({ name: "POST /v1/safety/screen", method: "POST", path: id("/v1/safety/screen"), body: json(screenValid), contentType: "application/json", admin: true, runs: 150 }),
    // ---- campaigns
    route({ name: "POST /v1/campaigns (CSV)", method: "POST", path: fc.tuple(fc.constant("/v1/campaigns"), campaignParams).map(([a, q]) => a + q), body: csvBody(campaignCsvValid, 25 * 1024 * 1024), contentType: "text/csv", admin: true, runs: 150 }),
    route({
      name: "GET|POST|DELETE /v1/campaigns/:id[/run|/approve|/sends.csv|/report|/audit.csv]",
      target: fc
        .tuple(
          campaignId([FIXTURE.scratchCampaign, FIXTURE.createdCampaign, FIXTURE.reviewCampaign, FIXTURE.approvedCampaign, FIXTURE.fuzzedCampaign, FIXTURE.fuzzedCampaign]),
          fc.constantFrom(["GET", ""], ["POST", "/run"], ["POST", "/approve"], ["GET", "/sends.csv"], ["GET", "/report"], ["GET", "/audit.csv"], ["GET", "/x"], ["DELETE", ""]),
          queryArb({ metric: fc.constantFrom("converted", "clicked", "opened", "revenue"), format: fc.constantFrom("json", "html", "pdf") }),
          methodArb(""),
        )
        // Deleting is only tried on the scratch and fuzz-made campaigns: the others are the fixtures of the routes below.
        .map(([c, [m, s], q, other]) => {
          const deletable = c === FIXTURE.scratchCampaign || c === FIXTURE.fuzzedCampaign;
          const method = other && other !== "DELETE" ? other : m;
          return { method: method === "DELETE" && !deletable ? "GET" : method, path: `/v1/campaigns/${c}${s}${q}` };
        }),
      body: null, contentType: null, admin: true, runs: 120,
      headers: fc.constantFrom<[string, string][]>([], [["accept", "text/html"]]),
    }),
    route({ name: "POST /v1/campaigns/:id/results (CSV)", method: "POST", path: campaignSub([FIXTURE.approvedCampaign, FIXTURE.approvedCampaign, FIXTURE.reviewCampaign, FIXTURE.fuzzedCampaign], "/results"), body: csvBody(resultsCsvValid, 25 * 1024 * 1024), contentType: "text/csv", admin: true, runs: 120 }),
    route({ name: "PUT /v1/campaigns/:id/simulation", method: "PUT", path: campaignSub([FIXTURE.approvedCampaign, FIXTURE.reviewCampaign, FIXTURE.fuzzedCampaign], "/simulation"), body: json(simulationValid), contentType: "application/json", admin: true, runs: 100 }),
    // ---- operations
    route({ name: "POST /v1/admin/catalog (JSON)", method: "POST", path: id("/v1/admin/catalog"), body: json(catalogJsonValid), contentType: "application/json", admin: true, runs: 100 }),
    route({ name: "POST /v1/admin/catalog (CSV)", method: "POST", path: id("/v1/admin/catalog"), body: csvBody(catalogCsvValid, 10 * 1024 * 1024), contentType: "text/csv", admin: true, runs: 100 }),
    route({
      name: "GET /v1/admin/<read models>", method: "GET",
      path: fc.oneof(
        // Each read model with the parameters it reads, so most queries get past the first check.
        fc.tuple(fc.constant("/v1/admin/feedback"), queryArb({ status: fc.constantFrom("rejected", "applied", "recorded", "all"), limit: intParam })).map(([a, q]) => a + q),
        fc.tuple(fc.constant("/v1/admin/personas"), queryArb({ hours: intParam })).map(([a, q]) => a + q),
        fc.tuple(fc.constant("/v1/admin/decisions"), queryArb({ surface: fc.constantFrom(...SURFACES), segment: adversarialString(), experiment: fc.constantFrom(FIXTURE.banditExperiment, "x"), limit: intParam, before: instant, before_id: fc.constantFrom(FIXTURE.decisionRequestId, "x") })).map(([a, q]) => a + q),
        fc.tuple(fc.constant("/v1/admin/campaigns"), queryArb({ limit: intParam })).map(([a, q]) => a + q),
        fc.tuple(fc.constantFrom("/v1/admin/latency", "/v1/admin/health"), queryArb({})).map(([a, q]) => a + q),
        fc.tuple(experimentId, queryArb({ bucket: fc.constantFrom("hour", "day", "week"), since: instant })).map(([e, q]) => `/v1/admin/experiments/${e}/timeseries${q}`),
      ),
      body: null, contentType: null, admin: true, runs: 150,
    }),
    route({ name: "POST /v1/admin/segments/retrain (auth)", method: "POST", path: id("/v1/admin/segments/retrain"), body: null, contentType: null, admin: false, runs: 20 }),
  ];
}

// ------------------------------------------------------------------------------------------------ the oracle

export interface ObservedResponse {
  status: number;
  header(name: string): string | null;
  body: string;
}

/** The admin key must never come back in any answer. */
const KEY_LEAK = /test-admin-key|bench-admin-key/;
/**
 * What a 5xx must never carry: stacks, SQL engine errors, file paths. (A 4xx may echo what the client sent,
 * "no route for GET /v1/1; SELECT * FROM sqlite_master", which is not a leak.)
 */
const INTERNALS = [/\n\s+at .+:\d+/, /\b[\w/.-]+\.(ts|js|mjs):\d+/, /D1_ERROR|SQLITE_|sqlite3?_|Failed query/i, /\/work\/|node_modules|\/home\//];

/**
 * What the contract promises for any answer to any request: no 5xx beyond the route's allowed ones, an
 * x-request-id on every answer, and for API errors exactly {"error": {code, message, details?}, "request_id"}
 * with the id equal to the header, nothing leaked, and retry-after on a 429. Returns the broken promises.
 */
export function judgeResponse(endpoint: FuzzEndpoint, req: { method: string; path: string }, res: ObservedResponse): string[] {
  const method = req.method;
  const problems: string[] = [];
  const requestId = res.header("x-request-id");
  if (!requestId) problems.push("no x-request-id header");
  const contentType = (res.header("content-type") ?? "").toLowerCase();
  const isJson = contentType.includes("application/json");
  let parsed: unknown = undefined;
  if (isJson && method !== "HEAD" && res.body.length > 0) {
    try {
      parsed = JSON.parse(res.body) as unknown;
    } catch {
      problems.push("content-type is JSON but the body does not parse");
    }
  }
  let code: string | null = null;
  if (res.status >= 400 && method !== "HEAD" && (isApiPath(req.path) || isJson)) {
    if (!isJson) problems.push(`error answered as ${contentType || "no content-type"}, not JSON`);
    else if (parsed !== undefined) {
      const shape = errorShapeProblems(parsed, requestId);
      problems.push(...shape.problems);
      code = shape.code;
      if (KEY_LEAK.test(res.body)) problems.push("error body holds the admin key");
      if (res.status >= 500 && INTERNALS.some((re) => re.test(res.body))) problems.push("5xx body leaks internals (stack, SQL or a path)");
    }
  }
  if (res.status === 429 && !res.header("retry-after")) problems.push("429 without retry-after");
  if (res.status >= 500) {
    const allowed = endpoint.allowed5xx.some((a) => a.status === res.status && (code === a.code || method === "HEAD"));
    if (!allowed) problems.push(`unexpected ${res.status}${code ? ` ${code}` : ""}`);
  }
  return problems;
}

function errorShapeProblems(body: unknown, headerId: string | null): { problems: string[]; code: string | null } {
  const problems: string[] = [];
  if (!isRecord(body)) return { problems: ["error body is not an object"], code: null };
  const extra = Object.keys(body).filter((k) => k !== "error" && k !== "request_id");
  if (extra.length) problems.push(`error body has extra keys ${extra.join(", ")}`);
  const rid = body.request_id;
  if (typeof rid !== "string" || !/^req_[0-9a-f]{32}$/.test(rid)) problems.push("request_id missing or not req_<32 hex>");
  else if (rid !== headerId) problems.push("request_id differs from x-request-id");
  const err = body.error;
  if (!isRecord(err)) return { problems: [...problems, "error is not an object"], code: null };
  const extraErr = Object.keys(err).filter((k) => k !== "code" && k !== "message" && k !== "details");
  if (extraErr.length) problems.push(`error has extra keys ${extraErr.join(", ")}`);
  const code = typeof err.code === "string" ? err.code : null;
  if (!code || !/^[a-z][a-z0-9_]*$/.test(code)) problems.push("error.code missing or not snake_case");
  if (typeof err.message !== "string" || err.message.length === 0) problems.push("error.message missing");
  if (err.details !== undefined && !Array.isArray(err.details)) problems.push("error.details is not an array");
  return { problems, code };
}
