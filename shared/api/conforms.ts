// A fast path in front of zod for values that are already what the schema would produce. Workers forbid eval, so
// zod runs without its compiled parsers: every field it checks allocates its own result and issue list, and a
// decision-log entry took ~5 KB of garbage to validate, a rank request ~4.5 KB (measured with zod forced jitless;
// bench/README.md, "Validation without garbage"). `conforms` walks the schema's own definition instead and
// allocates nothing; a value it accepts is one zod would return unchanged. Anything else, including every schema
// feature it does not know (transforms, refinements, defaults that would apply, string formats other than an ISO
// datetime), falls back to zod, which stays the only judge of what is rejected and how. conforms.test.ts holds
// the two to the same answers.
import type * as z from "zod";

type Check = (value: unknown) => boolean;

/** Checkers compiled from schemas, once per schema object (schemas are module constants). */
const compiled = new WeakMap<object, Check>();

const never: Check = () => false;

interface Def {
  type: string;
  checks?: { _zod: { def: Record<string, unknown> } }[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  values?: unknown[];
  entries?: Record<string, unknown>;
  options?: z.ZodType[];
  discriminator?: string;
  /** A string format's name and pattern (z.iso.datetime() is a string schema with these). */
  format?: string;
  pattern?: unknown;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** A length check on strings or arrays; null for a check this does not know. */
function lengthCheck(def: Record<string, unknown>): ((length: number) => boolean) | null {
  switch (def.check) {
    case "min_length":
      return (n) => n >= (def.minimum as number);
    case "max_length":
      return (n) => n <= (def.maximum as number);
    case "length_equals":
      return (n) => n === (def.length as number);
    default:
      return null;
  }
}

function stringChecker(def: Def): Check {
  const lengths: ((n: number) => boolean)[] = [];
  const patterns: RegExp[] = [];
  // A string format is a schema of its own (z.iso.datetime(), z.email()...). An ISO datetime is its pattern alone;
  // the others may check more than a pattern (a URL is parsed), so they are zod's.
  if (def.format !== undefined) {
    if (def.format !== "datetime" || !(def.pattern instanceof RegExp) || def.pattern.global || def.pattern.sticky) return never;
    patterns.push(def.pattern);
  }
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    const length = lengthCheck(d);
    if (length) lengths.push(length);
    // A stateful (global or sticky) regex would answer differently from one call to the next.
    else if (d.check === "string_format" && d.format === "regex" && d.pattern instanceof RegExp && !d.pattern.global && !d.pattern.sticky) patterns.push(d.pattern);
    else return never;
  }
  return (v) => {
    if (typeof v !== "string") return false;
    for (const ok of lengths) if (!ok(v.length)) return false;
    for (const re of patterns) if (!re.test(v)) return false;
    return true;
  };
}

function numberChecker(def: Def): Check {
  const bounds: ((n: number) => boolean)[] = [];
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    const bound = d.value as number;
    if (d.check === "greater_than") bounds.push(d.inclusive ? (n) => n >= bound : (n) => n > bound);
    else if (d.check === "less_than") bounds.push(d.inclusive ? (n) => n <= bound : (n) => n < bound);
    else if (d.check === "number_format" && d.format === "safeint") bounds.push((n) => Number.isSafeInteger(n));
    else return never;
  }
  // zod's number takes finite numbers only (no NaN, no infinities).
  return (v) => {
    if (typeof v !== "number" || !Number.isFinite(v)) return false;
    for (const ok of bounds) if (!ok(v)) return false;
    return true;
  };
}

function arrayChecker(def: Def): Check {
  const element = checkerOf(def.element!);
  const lengths: ((n: number) => boolean)[] = [];
  for (const c of def.checks ?? []) {
    const length = lengthCheck(c._zod.def);
    if (!length) return never;
    lengths.push(length);
  }
  return (v) => {
    if (!Array.isArray(v)) return false;
    for (const ok of lengths) if (!ok(v.length)) return false;
    for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
    return true;
  };
}

function objectChecker(def: Def): Check {
  // A loose object (catchall unknown) keeps the keys its shape lacks as they are; any other catchall (strict, a
  // schema for the extras) is zod's.
  const catchall = def.catchall === undefined ? null : defOf(def.catchall).type;
  if ((catchall !== null && catchall !== "unknown") || (def.checks?.length ?? 0) > 0) return never;
  const keepsExtras = catchall === "unknown";
  const shape = def.shape!;
  const keys = Object.keys(shape);
  const fields = keys.map((k) => checkerOf(shape[k]!));
  const optional = keys.map((k) => defOf(shape[k]!).type === "optional");
  return (v) => {
    // A plain object only: zod reads a class instance's (a Date's) fields and answers with a plain copy.
    if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    const record = v as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const field = record[key];
      if (field === undefined) {
        // Only an optional field may be missing, and a key present with undefined is zod's to judge (it tells a
        // missing key from an undefined one).
        if (!optional[i] || Object.hasOwn(record, key)) return false;
        continue;
      }
      if (!fields[i]!(field)) return false;
    }
    if (keepsExtras) return true;
    // zod drops keys its shape lacks: a value carrying any would not come back unchanged.
    for (const k in record) if (Object.hasOwn(record, k) && !Object.hasOwn(shape, k)) return false;
    return true;
  };
}

/**
 * A discriminated union: zod parses a value with the one option its discriminator names, so the value conforms
 * when it conforms to that option. A plain union (zod tries options in turn, and an earlier one may answer with a
 * changed value) is zod's.
 */
function discriminatedChecker(def: Def): Check {
  const key = def.discriminator;
  if (key === undefined) return never;
  const byValue = new Map<unknown, Check>();
  for (const option of def.options ?? []) {
    const field = defOf(option).shape?.[key];
    const values = field && defOf(field).type === "literal" ? defOf(field).values : undefined;
    if (!values) return never;
    for (const value of values) {
      if (byValue.has(value)) return never;
      byValue.set(value, checkerOf(option));
    }
  }
  return (v) => {
    if (typeof v !== "object" || v === null) return false;
    const option = byValue.get((v as Record<string, unknown>)[key]);
    return option !== undefined && option(v);
  };
}

function compile(schema: z.ZodType): Check {
  const def = defOf(schema);
  switch (def.type) {
    case "string":
      return stringChecker(def);
    case "number":
      return numberChecker(def);
    case "boolean":
      return (def.checks?.length ?? 0) > 0 ? never : (v) => typeof v === "boolean";
    case "literal": {
      const values = def.values ?? [];
      return (v) => values.includes(v);
    }
    case "enum": {
      const values = Object.values(def.entries ?? {});
      return (v) => values.includes(v);
    }
    case "unknown":
    case "any":
      return () => true;
    case "nullable": {
      const inner = checkerOf(def.innerType!);
      return (v) => v === null || inner(v);
    }
    case "optional": {
      const inner = checkerOf(def.innerType!);
      return (v) => v === undefined || inner(v);
    }
    case "default": {
      // A default that would apply changes the value: zod's to do.
      const inner = checkerOf(def.innerType!);
      return (v) => v !== undefined && inner(v);
    }
    case "array":
      return arrayChecker(def);
    case "object":
      return objectChecker(def);
    case "union":
      return discriminatedChecker(def);
    default:
      // Transforms, pipes, unions, refinements...: not known here, so zod decides.
      return never;
  }
}

function checkerOf(schema: z.ZodType): Check {
  let check = compiled.get(schema);
  if (!check) {
    check = compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

/** True when `schema` would accept `value` and return it as it is; false means only: ask zod. */
export function conforms(schema: z.ZodType, value: unknown): boolean {
  return checkerOf(schema)(value);
}

/**
 * `schema.safeParse(value)`, answered without zod when the value already conforms (then `data` is `value` itself,
 * not a copy: callers own what they parse).
 */
export function safeParseFast<S extends z.ZodType>(schema: S, value: unknown): z.ZodSafeParseResult<z.output<S>> {
  if (conforms(schema, value)) return { success: true, data: value as z.output<S> };
  return schema.safeParse(value);
}

/** `schema.parse(value)` with the same fast path. */
export function parseFast<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  return conforms(schema, value) ? (value as z.output<S>) : schema.parse(value);
}
