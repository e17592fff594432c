/**
 * @module The small HTTP listener of a node that serves no API (worker-only, scheduler-only): `GET /metrics`
 * (this node's Prometheus text) and `GET /healthz` (200 while its heartbeat reaches the database, else 503).
 * Nothing else: it holds no data, so it needs no token. It listens where the node's API would (`daemon.host`, 127.0.0.1
 * by default, and `daemon.port` / `FLOE_PORT`).
 * @example
 * const http = await startNodeHttp({ host: config.daemon.host, port: config.daemon.port, metrics, health });
 */
import { listen, type HttpServer } from "./http-server.ts";
import type { NodeMetrics } from "./node-metrics.ts";

/** What `/healthz` answers. */
export interface NodeHealth {
  ok: boolean;
  node: string;
  role: string;
  /** When the node's last heartbeat reached the database (ISO), or null before the first. */
  lastHeartbeatAt: string | null;
}

const json = (body: unknown, status: number): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** The listener's request handler (exported for tests that call it without a socket). */
export function nodeHttpHandler(deps: { metrics: NodeMetrics; health(): NodeHealth }): (request: Request) => Promise<Response> {
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return json({ error: { code: "method_not_allowed", message: `${request.method} ${pathname}: only GET is served here` } }, 405);
    }
    if (pathname === "/metrics") {
      return new Response(await deps.metrics.registry.metrics(), { headers: { "content-type": deps.metrics.registry.contentType } });
    }
    if (pathname === "/healthz") {
      const health = deps.health();
      return json(health, health.ok ? 200 : 503);
    }
    return json({ error: { code: "not_found", message: `no route for ${request.method} ${pathname} (this node serves /metrics and /healthz)` } }, 404);
  };
}

export function startNodeHttp(deps: { host: string; port: number; metrics: NodeMetrics; health(): NodeHealth }): Promise<HttpServer> {
  return listen(nodeHttpHandler(deps), deps.host, deps.port);
}
