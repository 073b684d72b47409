import { describe, expect, it } from "vitest";
import { defaultConfig } from "./default";
import { AuraConfig } from "./schema";

describe("the embedded default configuration", () => {
  // It is not parsed at module load (start-up): this is where a broken default fails.
  it("is a valid configuration that parsing leaves exactly as written", () => {
    const parsed = AuraConfig.safeParse(defaultConfig);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toStrictEqual(defaultConfig);
  });
});
