// The load generator must close an idle connection before workerd does: a request sent onto a socket the server is
// closing fails with ECONNRESET, and the bench would count it against the Worker (bench/loadgen.ts,
// LOADGEN_KEEP_ALIVE_MS). This measures when workerd closes an idle keep-alive connection, so a runtime update that
// shortens it fails here rather than as scattered errors in a benchmark run.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOADGEN_KEEP_ALIVE_MS } from "./loadgen";
import { helloOptions, serve, type ServedWorker } from "./server";

/** Timer lag of a busy load generator: the pool's idle timer may fire this late. */
const CLIENT_TIMER_SLACK_MS = 1_000;

let hello: ServedWorker;
beforeAll(async () => {
  hello = await serve(helloOptions([]), "hello", []);
});
afterAll(async () => {
  await hello?.mf.dispose();
});

/** Milliseconds from the end of one answered request until workerd closes the idle connection (null: still open at `limitMs`). */
function idleCloseMs(url: URL, limitMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let answeredAt: number | null = null;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, limitMs);
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      if (chunk.toString("latin1").startsWith("HTTP/1.1 200")) answeredAt = Date.now();
    });
    socket.on("end", () => {
      clearTimeout(timer);
      socket.destroy();
      if (answeredAt === null) reject(new Error("closed before answering"));
      else resolve(Date.now() - answeredAt);
    });
    socket.write(`GET / HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
  });
}

describe("idle keep-alive connections", () => {
  it("are closed by the load generator well before workerd closes them", async () => {
    const closedAfter = await idleCloseMs(hello.url, 15_000);
    // workerd 1.2026x closes after 5 s. If it stops closing idle connections at all, there is no race.
    if (closedAfter !== null) expect(closedAfter).toBeGreaterThan(LOADGEN_KEEP_ALIVE_MS + CLIENT_TIMER_SLACK_MS);
    expect(LOADGEN_KEEP_ALIVE_MS).toBeGreaterThanOrEqual(1_000);
  }, 30_000);
});
