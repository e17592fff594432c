/** @module `GET /metrics`: Prometheus text from the app's own registry; open without a token. */
import type { ApiMetrics } from "../metrics.ts";
import type { Router } from "../route.ts";

export function metricsRoutes(router: Router, metrics: ApiMetrics): void {
  router.get(
    {
      path: "/metrics",
      operationId: "getMetrics",
      summary: "Prometheus metrics: runs by pipeline and state, durations, schedule lateness, reload errors",
      tag: "health",
      public: true,
      responses: { 200: { description: "Prometheus text exposition format", contentType: "text/plain" } },
    },
    async (c) => c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }),
  );
}
