// Markup built from tagged templates. Every interpolated value is escaped unless it is already Markup, so a
// catalog title (which an operator can upload) can never become markup on a shopper's page.

import { escapeHtml } from "../../shared/html";

/** A string known to be safe HTML: produced by `html` from escaped parts, or a trusted constant. */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a template may interpolate: false, null and undefined render nothing so `${cond && html`…`}` reads naturally. */
export type Interpolation = Markup | string | number | boolean | null | undefined | readonly Interpolation[];

export { escapeHtml };

function render(value: Interpolation): string {
  if (value instanceof Markup) return value.value;
  if (value === null || value === undefined || value === false || value === true) return "";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return escapeHtml(value);
  return value.map(render).join("");
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Markup {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new Markup(out);
}

/** Marks a trusted constant (never shopper or catalog input) as markup. */
export function trusted(value: string): Markup {
  return new Markup(value);
}

/**
 * JSON for a `<script type="application/json">` block: `<` is escaped so a value containing `</script>` or
 * `<!--` cannot end the block early, and U+2028/2029 so older parsers read it as JSON.
 */
export function jsonForScript(value: unknown): Markup {
  const json = JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return new Markup(json);
}
