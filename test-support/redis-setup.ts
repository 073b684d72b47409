// Vitest globalSetup for the workers project: a throwaway redis-server (Debian's package; no persistence, its own
// temp dir, reachable only through a unix socket) and the Upstash REST bridge in front of it on a free port. The
// tests inside workerd get the bridge's URL and token through `inject("upstash")`. Ports are picked by the OS
// so two runs on one machine never collide.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The augmentation below needs the "vitest" module in the program; a type-only import brings nothing at runtime.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { RespConnection, startUpstashBridge, type UpstashBridge } from "./upstash-bridge";
import { findRedisServer } from "./redis-binary";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Upstash REST bridge over a real redis-server, or null when redis-server is not installed. */
    upstash: { url: string; token: string } | null;
  }
}

const TOKEN = "test-upstash-token";

/** Waits until redis answers PING on the socket, or fails with what redis-server said. */
async function waitForRedis(socket: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}):\n${output.join("")}`);
    if (existsSync(socket)) {
      try {
        const conn = await RespConnection.open({ path: socket });
        const [pong] = await conn.send([["PING"]]);
        conn.close();
        if (pong?.kind === "simple" && pong.value === "PONG") return;
      } catch {
        // not accepting yet
      }
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING within 10 s:\n${output.join("")}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binary = findRedisServer();
  if (!binary) {
    // CI installs it (.ci/run); a local run without it says so loudly and skips only the Upstash tests.
    if (process.env.CI) throw new Error("the Upstash feature-store tests need redis-server (apt-get install -y redis-server); .ci/run installs it");
    console.warn("\n⚠⚠⚠ Upstash feature-store tests SKIPPED: redis-server is not installed (apt-get install -y redis-server) ⚠⚠⚠\n");
    project.provide("upstash", null);
    return async () => undefined;
  }

  const dir = mkdtempSync(join(tmpdir(), "aura-redis-"));
  const socket = join(dir, "redis.sock");
  const output: string[] = [];
  // --port 0: no TCP listener at all; --save "" / --appendonly no: nothing outlives the run.
  const child = spawn(binary, ["--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Should vitest exit without running the teardown (an error, Ctrl-C), redis-server goes with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.stdout!.on("data", (b: Buffer) => output.push(b.toString()));
  child.stderr!.on("data", (b: Buffer) => output.push(b.toString()));
  child.on("error", (err) => output.push(`could not start ${binary}: ${err.message}\n`));

  let bridge: UpstashBridge | null = null;
  const teardown = async () => {
    process.off("exit", killOnExit);
    await bridge?.close();
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForRedis(socket, child, output);
    bridge = await startUpstashBridge({ redis: { path: socket }, token: TOKEN });
  } catch (err) {
    await teardown();
    throw err;
  }
  project.provide("upstash", { url: bridge.url, token: TOKEN });
  return teardown;
}
