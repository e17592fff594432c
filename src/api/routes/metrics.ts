/** @module `GET /metrics`: Prometheus text from the app's own registry; open without a token. */
import type { ApiDeps } from "../deps.ts";
import type { ApiMetrics } from "../metrics.ts";
import type { Router } from "../route.ts";

export function metricsRoutes(router: Router, metrics: ApiMetrics, deps: ApiDeps): void {
  router.get(
    {
      path: "/metrics",
      operationId: "getMetrics",
      summary: "Prometheus metrics: runs by pipeline and state, durations, schedule lateness, reload errors, and this node's (runs held, leases, claim latency, queue depth)",
      tag: "health",
      public: true,
      responses: { 200: { description: "Prometheus text exposition format", contentType: "text/plain" } },
    },
    async (c) => {
      const text = (await metrics.registry.metrics()) + ((await deps.nodeMetrics?.metrics()) ?? "");
      return c.body(text, 200, { "content-type": metrics.registry.contentType });
    },
  );
}
