// The harness counts what the Worker and workerd logged as going wrong during a scenario: a run that hides
// errors measures something other than what it says.
import { describe, expect, it } from "vitest";
import { isWarning, warningKinds } from "./mix";

// As workerd printed it for every D1 call while the harness's D1 host threw (bench/server.ts).
const UNCAUGHT = "workerd/server/server.c++:5492: error: Uncaught exception: workerd/jsg/_virtual_includes/iterator/workerd/jsg/value.h:1480: failed: remote.jsg.TypeError: Invalid URL: null";
const STACK = "stack: /work/node_modules/@cloudflare/workerd-linux-64/bin/workerd@2f20430 /work/node_modules/@cloudflare/workerd-linux-64/bin/workerd@2f2102c";

describe("warnings in a scenario's logs", () => {
  it("counts workerd's uncaught exceptions once each (not their stack lines) next to the Worker's own warnings", () => {
    const lines = [
      UNCAUGHT,
      STACK,
      '{"level":"warn","request_id":"r1","feature_store":"timed out after 50 ms"}',
      UNCAUGHT,
      STACK,
      '{"level":"error","decision_log":"queue down","lost_request_ids":["r2"]}',
      '{"level":"info","consumer":"ok"}',
      "wrangler: Request.cf could not be fetched",
    ];
    expect(warningKinds(lines)).toEqual({ "uncaught exception": 2, feature_store: 1, decision_log: 1 });
    expect(lines.filter(isWarning)).toHaveLength(4);
  });

  it("counts nothing in a clean log", () => {
    expect(warningKinds(['{"level":"info","consumer":"ok"}', "workerd started"])).toEqual({});
  });
});
