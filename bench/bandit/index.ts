// The "Bandits" bench section: regret simulation, off-policy evaluation on the Open Bandit Dataset samples,
// and Thompson draw timing. run.ts calls runBandit and adds the markdown with withBanditSection.
import { runThompsonMicro, type DrawTiming } from "./micro";
import { runObdEvaluation, type ObdSection } from "./obd";
import { runRegretSimulation, type RegretSection } from "./simulate";
import type { LearningSection } from "../learning/index";

export interface BanditSection {
  regret: RegretSection | null;
  obd: ObdSection | null;
  draws: DrawTiming[] | null;
  /** Thompson draws in workerd and the feedback pipeline (bench/learning); filled in by run.ts (async). */
  learning?: LearningSection | null;
  /** Parts that failed, with the reason; the others still report. */
  errors: string[];
  durationS: number;
}

export function runBandit(opts: { quick: boolean; log: (line: string) => void }): BanditSection {
  const started = Date.now();
  const section: BanditSection = { regret: null, obd: null, draws: null, errors: [], durationS: 0 };
  const part = <T>(name: string, run: () => T): T | null => {
    try {
      return run();
    } catch (err) {
      section.errors.push(`bandit ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      console.error(section.errors.at(-1));
      return null;
    }
  };
  opts.log("  Thompson draw timing");
  section.draws = part("draw timing", () => runThompsonMicro(opts));
  opts.log("  regret simulation (known arm rates, batched and delayed feedback)");
  section.regret = part("regret simulation", () => runRegretSimulation(opts));
  opts.log("  off-policy evaluation on the Open Bandit Dataset samples");
  section.obd = part("OBD evaluation", () => runObdEvaluation(opts));
  section.durationS = Math.round((Date.now() - started) / 100) / 10;
  return section;
}

export { runLearning } from "../learning/index";
export { renderBanditMarkdown, withBanditSection } from "./report";
