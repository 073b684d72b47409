// Horvitz–Thompson arm values and lift against a direct numpy computation on 40 bandit-logged rows
// (reference/ipw.py ipw, which printed the rows below).
import { describe, expect, it } from "vitest";
import { expectClose } from "./expect-close";
import { ipwArmValues, ipwLift, type LoggedReward } from "./ipw";

// reference/ipw.py ipw
const ROWS: LoggedReward[] = [
  { arm: "blue", propensity: 0.257, reward: 41.96 },
  { arm: "control", propensity: 0.46, reward: 0.0 },
  { arm: "control", propensity: 0.594, reward: 28.17 },
  { arm: "control", propensity: 0.901, reward: 0.0 },
  { arm: "blue", propensity: 0.535, reward: 0.0 },
  { arm: "blue", propensity: 0.082, reward: 0.0 },
  { arm: "blue", propensity: 0.485, reward: 0.0 },
  { arm: "control", propensity: 0.409, reward: 0.0 },
  { arm: "control", propensity: 0.742, reward: 0.0 },
  { arm: "blue", propensity: 0.186, reward: 0.0 },
  { arm: "control", propensity: 0.685, reward: 44.43 },
  { arm: "control", propensity: 0.597, reward: 10.53 },
  { arm: "control", propensity: 0.35, reward: 0.0 },
  { arm: "blue", propensity: 0.228, reward: 38.88 },
  { arm: "control", propensity: 0.713, reward: 0.0 },
  { arm: "blue", propensity: 0.639, reward: 0.0 },
  { arm: "control", propensity: 0.782, reward: 0.0 },
  { arm: "green", propensity: 0.177, reward: 24.35 },
  { arm: "blue", propensity: 0.282, reward: 0.0 },
  { arm: "blue", propensity: 0.125, reward: 0.0 },
  { arm: "green", propensity: 0.075, reward: 0.0 },
  { arm: "green", propensity: 0.222, reward: 0.0 },
  { arm: "control", propensity: 0.422, reward: 5.91 },
  { arm: "blue", propensity: 0.42, reward: 0.0 },
  { arm: "blue", propensity: 0.434, reward: 0.0 },
  { arm: "control", propensity: 0.579, reward: 0.0 },
  { arm: "green", propensity: 0.501, reward: 0.0 },
  { arm: "control", propensity: 0.754, reward: 0.0 },
  { arm: "green", propensity: 0.258, reward: 0.0 },
  { arm: "control", propensity: 0.601, reward: 0.0 },
  { arm: "control", propensity: 0.609, reward: 0.0 },
  { arm: "blue", propensity: 0.449, reward: 0.0 },
  { arm: "control", propensity: 0.772, reward: 0.0 },
  { arm: "green", propensity: 0.195, reward: 0.0 },
  { arm: "control", propensity: 0.816, reward: 28.34 },
  { arm: "green", propensity: 0.295, reward: 0.0 },
  { arm: "blue", propensity: 0.428, reward: 0.0 },
  { arm: "blue", propensity: 0.535, reward: 42.99 },
  { arm: "blue", propensity: 0.193, reward: 0.0 },
  { arm: "blue", propensity: 0.083, reward: 0.0 },
];
// reference/ipw.py ipw
const EXPECTED_ARMS = [
  { arm: "control", value: 4.466471968524628, ci: [0.20593736212754443, 8.727006574921711], n: 17, self_normalised_value: 6.228710280448115 },
  { arm: "blue", value: 10.35374846166655, ci: [-1.5873133758199778, 22.294810299153077], n: 16, self_normalised_value: 5.813613168127814 },
  { arm: "green", value: 3.439265536723164, ci: [-3.3015710485240564, 10.180102121970384], n: 7, self_normalised_value: 3.6319813773769694 },
  { arm: "never served", value: 0.0, ci: [0.0, 0.0], n: 0, self_normalised_value: NaN },
] as const;
const EXPECTED_LIFT = { absolute_lift: 5.887276493141921, ci: [-7.145421867292524, 18.919974853576367] } as const;

const TOLERANCE = { rel: 1e-12, abs: 1e-13 };

describe("ipwArmValues", () => {
  it("matches numpy for every arm, including one never served", () => {
    const values = ipwArmValues(ROWS, EXPECTED_ARMS.map((a) => a.arm));
    expect(values.map((v) => v.arm)).toEqual(EXPECTED_ARMS.map((a) => a.arm));
    values.forEach((v, i) => {
      const expected = EXPECTED_ARMS[i];
      if (!expected) throw new Error("missing expectation");
      expectClose(v.value, expected.value, TOLERANCE, `${v.arm} value`);
      expectClose(v.ci[0], expected.ci[0], TOLERANCE, `${v.arm} ci low`);
      expectClose(v.ci[1], expected.ci[1], TOLERANCE, `${v.arm} ci high`);
      expect(v.n).toBe(expected.n);
      expectClose(v.self_normalised_value, expected.self_normalised_value, TOLERANCE, `${v.arm} self-normalised`);
    });
  });

  it("recovers the plain mean under uniform random allocation", () => {
    const rows: LoggedReward[] = [
      { arm: "a", propensity: 0.5, reward: 1 },
      { arm: "b", propensity: 0.5, reward: 0 },
      { arm: "a", propensity: 0.5, reward: 0 },
      { arm: "b", propensity: 0.5, reward: 1 },
      { arm: "a", propensity: 0.5, reward: 1 },
      { arm: "b", propensity: 0.5, reward: 1 },
    ];
    const [a] = ipwArmValues(rows, ["a"]);
    expectClose(a?.value ?? NaN, 2 / 3, { rel: 1e-15 });
    expectClose(a?.self_normalised_value ?? NaN, 2 / 3, { rel: 1e-15 });
  });

  it("rejects impossible propensities and an empty log", () => {
    expect(() => ipwArmValues([{ arm: "a", propensity: 0, reward: 1 }], ["a"])).toThrow(RangeError);
    expect(() => ipwArmValues([{ arm: "a", propensity: 1.2, reward: 1 }], ["a"])).toThrow(RangeError);
    expect(() => ipwArmValues([], ["a"])).toThrow(RangeError);
  });
});

describe("ipwLift", () => {
  it("matches numpy on the per-row differences", () => {
    const lift = ipwLift(ROWS, "control", "blue");
    expectClose(lift.absolute_lift, EXPECTED_LIFT.absolute_lift, TOLERANCE);
    expectClose(lift.ci[0], EXPECTED_LIFT.ci[0], TOLERANCE);
    expectClose(lift.ci[1], EXPECTED_LIFT.ci[1], TOLERANCE);
    const [control, blue] = ipwArmValues(ROWS, ["control", "blue"]);
    expectClose(lift.absolute_lift, (blue?.value ?? NaN) - (control?.value ?? NaN), { rel: 1e-13 });
  });
});
