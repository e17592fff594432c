/**
 * @module A node's HTTP server. A node with the api duty serves the API and the web page (its `/metrics` includes the
 * node's own series); a `worker` or `scheduler` node serves only `/metrics` and `/healthz` (node-http.ts).
 * @example
 * const server = await serveNode({ host, port, metrics, health, api: { deps: apiDeps, apiToken, onError } });
 */
import type { ApiDeps } from "../api/deps.ts";
import { createApp } from "../api/app.ts";
import { mountDashboard } from "../web/index.ts";
import { listen, type HttpServer } from "./http-server.ts";
import { startNodeHttp, type NodeHealth } from "./node-http.ts";
import type { NodeMetrics } from "./node-metrics.ts";

export interface NodeServerOptions {
  host: string;
  port: number;
  metrics: NodeMetrics;
  health(): NodeHealth;
  /** The API and web page, on nodes with the api duty. */
  api?: { deps: ApiDeps; apiToken: string | undefined; onError(error: unknown): void } | undefined;
}

export async function serveNode(o: NodeServerOptions): Promise<HttpServer> {
  if (!o.api) return startNodeHttp({ host: o.host, port: o.port, metrics: o.metrics, health: o.health });
  const app = createApp(o.api.deps, { host: o.host, apiToken: o.api.apiToken, onError: o.api.onError });
  mountDashboard(app, o.api.deps);
  return listen(app.fetch, o.host, o.port);
}
