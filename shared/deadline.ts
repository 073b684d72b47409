// Deadlines that measure the dependency, not the isolate's own stalls.

/**
 * Settles as `promise` does, or with `expired()` (its value, or what it throws) once `ms` have passed and the
 * answer has had one more turn of the event loop. The extra turn is for a thread that was busy past the deadline
 * (another request's work, a garbage collection): when it is free again, its expired timer runs before the I/O
 * that completed meanwhile, so an answer that arrived in time would lose the race to the deadline and the store be
 * blamed for the isolate's stall. Measured in workerd, 60 reads each way against Redis through the local Upstash
 * bridge: a read answered within a few milliseconds, the thread then blocked for about 115 ms, and the deadline won
 * 46 of 60 races without the extra turn, 0 of 60 with it (workers/feature-store/deadline.integration.test.ts
 * keeps the case).
 */
export function withDeadline<T, E>(promise: Promise<T>, ms: number, expired: () => E): Promise<T | E> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<E>((resolve, reject) => {
    timer = setTimeout(() => {
      timer = setTimeout(() => {
        try {
          resolve(expired());
        } catch (err) {
          reject(err);
        }
      }, 0);
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}
