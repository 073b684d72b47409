// Naming the functions a CPU or heap profile of the bundle reports (bench/inspector.ts): a frame is charged to the
// bundled module at its line only if it is the bundle's; the runtime's own scripts keep their names.
import { describe, expect, it } from "vitest";
import { frameModule, moduleMarkers } from "./inspector";

const BUNDLE = ["// prelude", "// node_modules/hono/dist/hono.js", "var a = 1;", "// node_modules/@anthropic-ai/sdk/core/error.mjs", "var b = 2;", "// shared/ranking/rank.ts", "function rankItems() {}"].join("\n");
const markers = moduleMarkers(BUNDLE);
const BUNDLE_PATH = "/work/main/bench/.bundle/index.js";

describe("frameModule", () => {
  it("charges a bundle frame to the module at its line, grouped by package", () => {
    expect(frameModule(markers, BUNDLE_PATH, { url: "bench/.bundle/index.js", lineNumber: 6 })).toBe("shared/ranking/rank.ts");
    expect(frameModule(markers, BUNDLE_PATH, { url: BUNDLE_PATH, lineNumber: 2 })).toBe("hono");
    expect(frameModule(markers, BUNDLE_PATH, { url: `file://${BUNDLE_PATH}`, lineNumber: 4 })).toBe("@anthropic-ai/sdk");
  });

  it("names the runtime's own scripts by their URL, whatever their line", () => {
    // Line 4 of the bundle is @anthropic-ai/sdk: the D1 API's line 4 must not be charged to it.
    expect(frameModule(markers, BUNDLE_PATH, { url: "cloudflare-internal:d1-api", lineNumber: 4 })).toBe("cloudflare-internal:d1-api");
    expect(frameModule(markers, BUNDLE_PATH, { url: "node-internal:internal_timers", lineNumber: 6 })).toBe("node-internal:internal_timers");
  });

  it("leaves native frames unnamed", () => {
    expect(frameModule(markers, BUNDLE_PATH, { url: "", lineNumber: -1 })).toBeNull();
  });
});
