/**
 * @module `createApp`: the status API as a Hono app. The daemon serves it (see `serve.ts`); tests call
 * `app.request()`. One error shape, one auth rule, one body limit, every route declared once (see `route.ts`).
 * @example
 * const app = createApp(deps, { host: "127.0.0.1" });
 * const res = await app.request("/api/runs?limit=10");
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { bearerAuth, requiredToken } from "./auth.ts";
import type { ApiDeps } from "./deps.ts";
import { PayloadTooLargeError, RouteNotFoundError, toErrorResponse } from "./errors.ts";
import { createMetrics } from "./metrics.ts";
import { createRouter } from "./route.ts";
import { artifactRoutes } from "./routes/artifacts.ts";
import { commitRoutes } from "./routes/commits.ts";
import { docsRoutes } from "./routes/docs.ts";
import { healthRoutes } from "./routes/health.ts";
import { logRoutes } from "./routes/logs.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { pipelineRoutes } from "./routes/pipelines.ts";
import { repoRoutes } from "./routes/repos.ts";
import { runRoutes } from "./routes/runs.ts";
import { backfillRoutes } from "./routes/backfills.ts";
import { scheduleRoutes } from "./routes/schedules.ts";

export interface AppOptions {
  /** The address the app will listen on; anything but loopback makes `apiToken` mandatory. */
  host: string;
  /** Required as `Authorization: Bearer` on every route but health, metrics and the docs page. */
  apiToken?: string | undefined;
  /** Largest accepted request body in bytes (default 1 MiB); larger is 413. */
  bodyLimit?: number | undefined;
  /** Origins allowed to call the API from a browser; CORS is off when omitted. */
  cors?: { origins: readonly string[] } | undefined;
  /** Live log streams re-read the store at least this often (ms, default 500). */
  ssePollMs?: number | undefined;
  /** Receives errors that became a 500 (a bug, or the store failing), for the daemon's log. */
  onError?: ((error: unknown) => void) | undefined;
}

const PUBLIC_PATHS = new Set(["/api/health", "/metrics", "/docs"]);

export function createApp(deps: ApiDeps, options: AppOptions): Hono {
  const token = requiredToken(options.host, options.apiToken);
  const app = new Hono();
  app.onError((error, c) => {
    const { status, body, unexpected } = toErrorResponse(error);
    if (unexpected) options.onError?.(error);
    return c.json(body, status);
  });
  app.notFound((c) => {
    const { status, body } = toErrorResponse(new RouteNotFoundError(`no route for ${c.req.method} ${c.req.path}`));
    return c.json(body, status);
  });
  if (options.cors) {
    app.use("*", cors({ origin: [...options.cors.origins], allowHeaders: ["authorization", "content-type", "last-event-id"] }));
  }
  if (token !== undefined) app.use("*", bearerAuth(token, (path) => PUBLIC_PATHS.has(path)));
  const maxSize = options.bodyLimit ?? 1024 * 1024;
  const limitBody = bodyLimit({
    maxSize,
    onError: () => {
      throw new PayloadTooLargeError(`the body exceeds ${maxSize} bytes`);
    },
  });
  // Only POST routes read a body; skipping the rest keeps reads from materializing the full Request (hot path).
  app.use("*", (c, next) => (c.req.method === "POST" ? limitBody(c, next) : next()));

  const router = createRouter(app);
  const metrics = createMetrics(deps);
  healthRoutes(router, deps);
  pipelineRoutes(router, deps);
  runRoutes(router, deps);
  logRoutes(router, deps, { pollMs: options.ssePollMs ?? 500, keepAliveMs: 15_000 });
  scheduleRoutes(router, deps);
  backfillRoutes(router, deps);
  commitRoutes(router, deps);
  repoRoutes(router, deps);
  artifactRoutes(router, deps);
  metricsRoutes(router, metrics, deps);
  docsRoutes(router, deps, { auth: token !== undefined });
  return app;
}
