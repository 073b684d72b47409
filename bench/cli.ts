// `--name value` options of the profiling tools (profile-worker.ts, stalls.ts, rank-cpu.ts, ab.ts).

/** The value after `--name` on the command line, or `fallback` when the option is absent. */
export function option(name: string, fallback: string): string {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}

/** A numeric option; a value that is not a number is refused rather than run as NaN. */
export function numberOption(name: string, fallback: number): number {
  const value = Number(option(name, String(fallback)));
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number`);
  return value;
}

/** Whether `--name` is on the command line (an option without a value). */
export function flagOption(name: string): boolean {
  return process.argv.slice(2).includes(`--${name}`);
}
