import { describe, expect, it } from "vitest";
import { withDeadline } from "./deadline";

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("withDeadline", () => {
  it("settles with the answer when it comes first", async () => {
    await expect(withDeadline(after(1, "answer"), 200, () => "expired")).resolves.toBe("answer");
    await expect(withDeadline(Promise.reject(new Error("store down")), 200, () => "expired")).rejects.toThrow("store down");
  });

  it("settles with what `expired` gives once the deadline has passed, or rejects with what it throws", async () => {
    await expect(withDeadline(new Promise(() => undefined), 5, () => null)).resolves.toBeNull();
    await expect(
      withDeadline(new Promise(() => undefined), 5, () => {
        throw new Error("too slow");
      }),
    ).rejects.toThrow("too slow");
  });

  it("does not wait for a late answer longer than one more turn", async () => {
    await expect(withDeadline(after(500, "late"), 5, () => "expired")).resolves.toBe("expired");
  });
});
