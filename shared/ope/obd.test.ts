// Checks the Open Bandit Dataset parser on rows shaped like the published samples (affinity columns trimmed).
import { describe, expect, it } from "vitest";
import { ipwEstimate, loggedActionTarget } from "./estimators";
import { loggedRate, parseObdItemContext, parseObdLog } from "./obd";

const HEADER = ",timestamp,item_id,position,click,propensity_score,user_feature_0,user_feature_1,user_feature_2,user_feature_3,user-item_affinity_0,user-item_affinity_1,user-item_affinity_2";
const LOG = [
  HEADER,
  "0,2019-11-24 00:03:13.442536+00:00,2,3,0,0.3333333333333333,cef3,03a5,7bc9,9bde,0.0,0.0,0.0",
  "1,2019-11-24 00:03:36.705207+00:00,0,1,1,0.3333333333333333,cef3,03a5,9f4e,9bde,2.0,0.0,1.0",
  "2,2019-11-24 00:05:39.519963+00:00,1,2,0,0.3333333333333333,cef3,03a5,7bc9,9bde,0.0,0.0,0.0",
].join("\n");

describe("parseObdLog", () => {
  it("turns each row into a logged round with its position, user features and affinities", () => {
    const log = parseObdLog(`${LOG}\n`);
    expect(log.rejected).toEqual([]);
    expect(log.actions).toBe(3);
    expect(log.rounds.map((r) => [r.action, r.reward, r.propensity])).toEqual([
      [2, 0, 1 / 3],
      [0, 1, 1 / 3],
      [1, 0, 1 / 3],
    ]);
    const second = log.rounds[1]!.context!;
    expect(second.position).toBe(1);
    expect(second.timestamp).toBe("2019-11-24 00:03:36.705207+00:00");
    expect(second.userFeatures).toEqual(["cef3", "03a5", "9f4e", "9bde"]);
    expect(Array.from(second.affinity)).toEqual([2, 0, 1]);
    expect(loggedRate(log.rounds)).toEqual({ rounds: 3, rewards: 1, rate: 1 / 3 });
  });

  it("evaluating the uniform logging policy by IPW returns the logged CTR", () => {
    const { rounds, actions } = parseObdLog(LOG);
    expect(ipwEstimate(rounds, loggedActionTarget(() => 1 / actions)).estimate).toBeCloseTo(1 / 3, 12);
  });

  it("reports bad rows by line instead of guessing, and accepts CRLF", () => {
    const bad = [
      HEADER,
      "0,2019-11-24 00:00:00+00:00,1,4,0,0.5,a,b,c,d,0,0,0",
      "1,2019-11-24 00:00:01+00:00,1,1,,0.5,a,b,c,d,0,0,0",
      "2,2019-11-24 00:00:02+00:00,1,1,1,0,a,b,c,d,0,0,0",
      "3,2019-11-24 00:00:03+00:00,1,1,1,0.5,a,b,c,d,0,0,0",
    ].join("\r\n");
    const log = parseObdLog(bad);
    expect(log.rounds).toHaveLength(1);
    expect(log.rejected.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(log.rejected[0]!.reason).toContain("position");
    expect(log.rejected[1]!.reason).toContain("click");
    expect(log.rejected[2]!.reason).toContain("propensity_score");
  });

  it("refuses a file that is not an OBD log, and reads an empty one as no rounds", () => {
    expect(() => parseObdLog("a,b\n1,2\n")).toThrow(/timestamp/);
    expect(parseObdLog("")).toEqual({ rounds: [], actions: 0, rejected: [] });
  });
});

describe("parseObdItemContext", () => {
  it("reads item ids, the numeric feature and the hashed categories", () => {
    const items = parseObdItemContext(
      ",item_id,item_feature_0,item_feature_1,item_feature_2,item_feature_3\n0,0,-0.677,ceca,eb6f,7950\n1,1,0.745,270d,2ba5,14fb\n",
    );
    expect(items).toEqual([
      { itemId: 0, numeric: -0.677, categories: ["ceca", "eb6f", "7950"] },
      { itemId: 1, numeric: 0.745, categories: ["270d", "2ba5", "14fb"] },
    ]);
  });
});
