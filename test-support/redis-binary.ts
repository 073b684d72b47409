// Where Debian's (or a local) redis-server is, for the test setup and the benchmark's Redis scenario.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The redis-server binary, or null when it is not installed (callers skip with a note). */
export function findRedisServer(): string | null {
  for (const candidate of ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]) if (existsSync(candidate)) return candidate;
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return which.status === 0 && found ? found : null;
}
