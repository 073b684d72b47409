// Polling for what the system does in the background (the queue's deliveries, the bandit's learning), for the
// Node-side tests that drive a served aura (e2e/*.test.ts, e2e/workerd).

/** Polls `probe` every 250 ms until it gives a value (not null or false), and returns it; throws after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | null | false>, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
