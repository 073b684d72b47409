// A JSON answer built whole by its route, with every header the API middleware would otherwise add one call at a
// time after the route returns: the request id, nosniff, and on the CORS endpoints `Vary: Origin` and the grant.
// The middleware then leaves it alone (isCompleteResponse). For /v1/rank this replaces six Headers calls and a
// Headers object made for the response: runtime work that cost more than the middleware's own logic, and runtime
// objects outlive minor GCs (bench/README.md, "Fewer trips into the runtime").
import type { Context } from "hono";
import { corsAnswerHeaders } from "./cors";
import type { AppEnv } from "./middleware";

export function completeJsonResponse(c: Context<AppEnv>, json: string, headers: Record<string, string>): Response {
  const all = {
    "content-type": "application/json",
    ...headers,
    "x-request-id": c.get("requestId"),
    // What securityHeaders gives every answer that is not HTML.
    "x-content-type-options": "nosniff",
  };
  // Set (to an origin or null) only where the CORS middleware ran.
  const grant = c.get("corsGrant");
  const res = new Response(json, { headers: grant === undefined ? all : { ...all, ...corsAnswerHeaders(grant) } });
  c.set("completeResponse", res);
  return res;
}
