// What the deployed bundle holds. Every cold isolate parses and evaluates all of it before its first request,
// so code the Worker never calls is start-up time and memory. Two imports once tripled what two libraries put
// in: `import { z } from "zod"` keeps zod's namespace object, and with it every locale (about 360 KB), where
// `import * as z` lets esbuild keep only what is used; the SDK's default export wires every resource of the
// API (about 1 MB), where aura calls Messages alone.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, WORK_DIR } from "./server";

const OUT = join(WORK_DIR, "bundle-test");
let inputs: Record<string, { bytesInOutput: number }> = {};
let bundleBytes = 0;

/** Bytes of the bundle that came from files under `prefix` (a node_modules path). */
function bytesFrom(prefix: string): number {
  let bytes = 0;
  for (const [file, input] of Object.entries(inputs)) if (file.includes(`node_modules/${prefix}`)) bytes += input.bytesInOutput;
  return bytes;
}

beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  execFileSync("node", ["scripts/build-sdk.mjs"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", OUT, "--metafile", join(OUT, "meta.json")], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
  });
  const meta = JSON.parse(readFileSync(join(OUT, "meta.json"), "utf8")) as { outputs: Record<string, { bytes: number; inputs: typeof inputs }> };
  const [, output] = Object.entries(meta.outputs).find(([name]) => name.endsWith("index.js"))!;
  inputs = output.inputs;
  bundleBytes = output.bytes;
}, 120_000);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe("the Worker bundle", () => {
  it("holds zod's English messages and no other locale", () => {
    const locales = Object.entries(inputs).flatMap(([f, input]) => (f.includes("node_modules/zod/") && f.includes("/locales/") && input.bytesInOutput > 0 ? [f] : []));
    expect(locales.map((f) => f.split("/").at(-1))).toEqual(["en.js"]);
    expect(bytesFrom("zod/")).toBeLessThan(300_000);
  });

  it("holds the Anthropic SDK's Messages resource, and of the resources aura never calls only their error classes", () => {
    const byResource = new Map<string, number>();
    for (const [file, input] of Object.entries(inputs)) {
      const resource = /@anthropic-ai\/sdk\/resources\/([a-z-]+)/.exec(file)?.[1];
      if (resource) byResource.set(resource, (byResource.get(resource) ?? 0) + input.bytesInOutput);
    }
    expect(byResource.get("messages")).toBeGreaterThan(10_000);
    // The client maps API error codes to classes defined beside each resource; the resources themselves (beta
    // alone was 410 KB, organization 106 KB) stay out.
    for (const unused of ["beta", "files", "models", "skills", "organization", "user-profiles"]) expect(byResource.get(unused) ?? 0, unused).toBeLessThan(15_000);
    expect(bytesFrom("@anthropic-ai/sdk/")).toBeLessThan(400_000);
  });

  it("stays under 2.5 MB (it was 3.1 MB with both libraries whole)", () => {
    expect(bundleBytes).toBeLessThan(2_500_000);
  });
});
