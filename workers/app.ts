// The Hono application: middleware, routers per resource, and the single error shape.
import { Hono } from "hono";
import { adminAuth, requestId, type AppEnv } from "./http/middleware";
import { ApiError, errorResponse } from "./http/errors";
import { admin } from "./routes/admin";
import { campaignsRouter } from "./routes/campaigns";
import { content } from "./routes/content";
import { events } from "./routes/events";
import { experimentsRouter } from "./routes/experiments";
import { feedbackRouter } from "./routes/feedback";
import { openapi } from "./routes/openapi";
import { rank } from "./routes/rank";
import { safetyRouter } from "./routes/safety";
import { segments } from "./routes/segments";
import { users } from "./routes/users";

export const app = new Hono<AppEnv>();

app.use("*", requestId());
for (const protectedPath of ["/v1/admin/*", "/v1/segments/*", "/v1/content/*", "/v1/experiments", "/v1/experiments/*", "/v1/users/*", "/v1/campaigns", "/v1/campaigns/*", "/v1/safety/*"]) app.use(protectedPath, adminAuth());

app.get("/health", (c) => c.json({ status: "ok" }));
app.route("/openapi.json", openapi);
app.route("/v1/rank", rank);
app.route("/v1/events", events);
app.route("/v1/feedback", feedbackRouter);
app.route("/v1/experiments", experimentsRouter);
app.route("/v1/segments", segments);
app.route("/v1/content", content);
app.route("/v1/admin", admin);
app.route("/v1/users", users);
app.route("/v1/campaigns", campaignsRouter);
app.route("/v1/safety", safetyRouter);

app.notFound((c) => errorResponse(c, new ApiError(404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`)));
app.onError((err, c) => errorResponse(c, err));
