/**
 * @module `GET /api/runs/:id/logs`: a page of log lines, or with `Accept: text/event-stream` a live stream of new
 * lines and state changes until the run ends. The store is the truth; live events from the daemon only wake the
 * stream early, so nothing is lost or duplicated when events arrive before they are durable.
 */
import type { Context } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import { LogPageSchema, LogsQuerySchema, RunPathSchema } from "../../../schemas/api-runs.ts";
import { ErrorBodySchema } from "../../../schemas/api.ts";
import type { LogLevel } from "../../core/events.ts";
import { isTerminalRunState } from "../../core/states.ts";
import { getLogs, getRun, getRunEvents } from "../../store/index.ts";
import type { ApiDeps } from "../deps.ts";
import { presentEvent, presentLog } from "../present.ts";
import { safeJson, sendJson, type Router } from "../route.ts";
import { mustGetRun } from "./run-read.ts";

export interface StreamOptions {
  /** Longest wait between store reads when no live event arrives (ms). */
  pollMs: number;
  /** Idle time after which a comment line keeps proxies from closing the stream (ms). */
  keepAliveMs: number;
}

interface TailQuery {
  runId: string;
  task: string | undefined;
  level: LogLevel | undefined;
  logSeq: number;
  eventSeq: number;
}

const BATCH = 1000;
const QUICK_READS = 8;
const QUICK_READ_MS = 25;

/** `Last-Event-ID` is `<log seq>.<event seq>`: a reconnecting client resumes exactly where it was. */
function resumePoint(c: Context, after: number | undefined): { logSeq: number; eventSeq: number } {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(c.req.header("last-event-id") ?? "");
  if (m) return { logSeq: Number(m[1]), eventSeq: Number(m[2]) };
  return { logSeq: after ?? 0, eventSeq: 0 };
}

async function tail(stream: SSEStreamingApi, deps: ApiDeps, q: TailQuery, opts: StreamOptions): Promise<void> {
  let wake: (() => void) | undefined;
  let hinted = false;
  let closed = false;
  // Live events may arrive before they are durable: after one (and at the start, for events already in flight
  // when we subscribed), re-read soon a few times before falling back to the slow poll.
  let quickReads = QUICK_READS;
  const unsubscribe = deps.subscribe(() => {
    hinted = true;
    quickReads = QUICK_READS;
    wake?.();
  }, q.runId);
  stream.onAbort(() => {
    closed = true;
    wake?.();
  });
  const id = (): string => `${q.logSeq}.${q.eventSeq}`;
  let idleMs = 0;
  try {
    while (!closed) {
      hinted = false;
      // Read the state first: once it is terminal, the drain below sees every line written before it.
      const state = (await getRun(deps.store, q.runId))?.state;
      let wrote = false;
      let more = true;
      while (more && !closed) {
        const logs = await getLogs(deps.store, q.runId, { task: q.task, level: q.level, afterSeq: q.logSeq, limit: BATCH });
        const events = await getRunEvents(deps.store, q.runId, { afterSeq: q.eventSeq, limit: BATCH });
        for (const line of logs) {
          q.logSeq = line.seq;
          await stream.writeSSE({ event: "log", id: id(), data: safeJson(presentLog(line)) });
        }
        for (const event of events) {
          q.eventSeq = event.seq;
          await stream.writeSSE({ event: "transition", id: id(), data: safeJson(presentEvent(event)) });
        }
        wrote ||= logs.length + events.length > 0;
        more = logs.length === BATCH || events.length === BATCH;
      }
      if (state === undefined || isTerminalRunState(state)) {
        await stream.writeSSE({ event: "end", id: id(), data: safeJson({ runId: q.runId, state: state ?? null }) });
        return;
      }
      if (closed) return;
      const delay = hinted ? 0 : quickReads > 0 ? QUICK_READ_MS : opts.pollMs;
      if (quickReads > 0 && !hinted) quickReads--;
      idleMs = wrote ? 0 : idleMs + delay;
      if (idleMs >= opts.keepAliveMs) {
        idleMs = 0;
        await stream.write(": keep-alive\n\n");
      }
      if (delay > 0) await sleep(delay, (w) => (wake = w));
      wake = undefined;
    }
  } finally {
    unsubscribe();
  }
}

/** Resolves after `ms`, or as soon as the function handed to `setWake` is called. */
function sleep(ms: number, setWake: (wake: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    setWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function logRoutes(router: Router, deps: ApiDeps, opts: StreamOptions): void {
  router.get(
    {
      path: "/api/runs/:id/logs",
      operationId: "getRunLogs",
      summary: "Log lines of a run; with Accept: text/event-stream, live lines and state changes until it ends",
      description:
        "The stream sends `log` events (a log line), `transition` events (a run or task state change) and a final " +
        "`end` event with the run's terminal state, then closes. Event ids resume via Last-Event-ID.",
      tag: "runs",
      params: RunPathSchema,
      query: LogsQuerySchema,
      responses: {
        200: { description: "Log lines (JSON), or an event stream", schema: LogPageSchema, alsoContentTypes: ["text/event-stream"] },
        404: { description: "Unknown run", schema: ErrorBodySchema },
      },
    },
    async (c, { params, query }) => {
      const run = await mustGetRun(deps.store, params.id);
      const level = query.level;
      if ((c.req.header("accept") ?? "").includes("text/event-stream")) {
        const from = resumePoint(c, query.after);
        return streamSSE(c, (stream) => tail(stream, deps, { runId: run.id, task: query.task, level, ...from }, opts));
      }
      const items = await getLogs(deps.store, run.id, { task: query.task, level, afterSeq: query.after, limit: query.limit });
      return sendJson(c, { items: items.map(presentLog), nextAfter: items.at(-1)?.seq ?? query.after ?? 0 });
    },
  );
}
