/**
 * @module Webhook notifications (config `notifications`): when a run ends in a listed state, the daemon POSTs a
 * JSON payload (or Slack's `{ text }`) to the webhook, in the background: retried with exponential backoff (5
 * attempts from 0.5 s) on network errors and non-2xx answers, logged, never blocking or changing any run. A URL's
 * secret parts (query string, user info, path past the host) never reach the logs.
 */
import type { ResolvedConfig } from "../config/index.ts";
import type { RunRecord } from "../store/index.ts";
import type { DaemonLogger } from "./logger.ts";

const ATTEMPTS = 5;

/** `https://hooks.slack.com/services/T0/B0/secret?x=y` -> `https://hooks.slack.com/…`: enough to tell hooks apart. */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return "(invalid url)";
  }
}

export interface Notifier {
  runEnded(run: RunRecord, state: string, error?: string): void;
  /** Resolves once every delivery in flight has finished (shutdown, tests). */
  drain(): Promise<void>;
}

export function createNotifier(deps: { config: () => ResolvedConfig; log: DaemonLogger; baseDelayMs?: number; publicUrl: () => string }): Notifier {
  const inFlight = new Set<Promise<void>>();
  const base = deps.baseDelayMs ?? 500;

  async function deliver(url: string, body: string, what: string): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(10_000) });
        await res.body?.cancel();
        if (res.ok) {
          deps.log.info("notify:sent", `${what} -> ${redactUrl(url)} (attempt ${attempt})`);
          return;
        }
        deps.log.warn("notify:retry", `${what} -> ${redactUrl(url)}: HTTP ${res.status} (attempt ${attempt} of ${ATTEMPTS})`);
      } catch (error) {
        deps.log.warn("notify:retry", `${what} -> ${redactUrl(url)}: ${(error as Error)?.name ?? "error"} (attempt ${attempt} of ${ATTEMPTS})`);
      }
      if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, base * 2 ** (attempt - 1)).unref());
    }
    deps.log.error("notify:failed", `${what} -> ${redactUrl(url)}: gave up after ${ATTEMPTS} attempts`);
  }

  return {
    runEnded(run, state, error) {
      for (const n of deps.config().notifications) {
        if (!n.on.includes(state) || (n.pipelines && !n.pipelines.includes(run.pipeline))) continue;
        const link = `${deps.publicUrl()}/runs/${encodeURIComponent(run.id)}`;
        const payload = { event: "run:end", runId: run.id, pipeline: run.pipeline, version: run.version, state,
          scheduledFor: new Date(run.scheduledFor).toISOString(), error: error ?? null, url: link };
        const body = JSON.stringify(n.format === "slack"
          ? { text: `floe: ${run.pipeline} run ${run.id} ${state}${error ? `: ${error}` : ""} (${link})` }
          : payload);
        const p = deliver(n.webhook, body, `${run.pipeline} ${run.id} ${state}`).catch(() => undefined);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    },
    async drain() {
      await Promise.all([...inFlight]);
    },
  };
}
