/**
 * @module Prometheus metrics on a per-app registry (never prom-client's global one: several apps share a test
 * process). Counts come from the store at scrape time; task and run durations from live events.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RunEvent } from "../core/events.ts";
import { isTerminalRunState } from "../core/states.ts";
import { countRunsByPipelineAndState, countRunsInStates, getRun } from "../store/index.ts";
import type { ApiDeps } from "./deps.ts";
import { ACTIVE_RUN_STATES } from "./routes/health.ts";

const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600];

export interface ApiMetrics {
  readonly registry: Registry;
  /** Stops listening to live events. */
  close(): void;
}

export function createMetrics(deps: ApiDeps): ApiMetrics {
  const registry = new Registry();
  new Gauge({
    name: "floe_runs",
    help: "Runs in the store by pipeline and state",
    labelNames: ["pipeline", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await countRunsByPipelineAndState(deps.store)) this.set({ pipeline: r.pipeline, state: r.state }, r.count);
    },
  });
  new Gauge({
    name: "floe_active_runs",
    help: "Runs not yet in a terminal state",
    registers: [registry],
    async collect() {
      this.set(await countRunsInStates(deps.store, ACTIVE_RUN_STATES));
    },
  });
  new Gauge({
    name: "floe_pipelines",
    help: "Pipelines known to the loader, by validity",
    labelNames: ["valid"],
    registers: [registry],
    collect() {
      const all = deps.pipelines();
      const valid = all.filter((p) => p.valid).length;
      this.set({ valid: "true" }, valid);
      this.set({ valid: "false" }, all.length - valid);
    },
  });
  new Counter({
    name: "floe_reload_errors_total",
    help: "Pipeline reloads that ended with diagnostics since the daemon started",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(deps.stats?.().reloadErrorsTotal ?? 0);
    },
  });
  new Gauge({
    name: "floe_schedule_lateness_seconds",
    help: "How late each schedule's most recent slot fired",
    labelNames: ["schedule", "pipeline"],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of deps.stats?.().scheduleLateness ?? []) this.set({ schedule: s.scheduleId, pipeline: s.pipeline }, s.seconds);
    },
  });
  const taskDuration = new Histogram({
    name: "floe_task_attempt_duration_seconds",
    help: "Duration of task attempts, by pipeline and the state the attempt ended in",
    labelNames: ["pipeline", "state"],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const runDuration = new Histogram({
    name: "floe_run_duration_seconds",
    help: "Duration of finished runs, by pipeline and terminal state",
    labelNames: ["pipeline", "state"],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });

  // Per live run: its pipeline, its start and the start of each running attempt; dropped when the run ends.
  // Times come from the events themselves: they may arrive before the store has them.
  interface Live {
    pipeline: string;
    startedAt: number | undefined;
    starts: Map<string, number>;
  }
  // The promise is kept, so a run's events, awaiting the same read, are handled in the order they came.
  const live = new Map<string, Promise<Live | undefined>>();
  const MAX_LIVE = 10_000; // a run that never reports its end (a crash) must not grow the map forever
  const entry = (runId: string): Promise<Live | undefined> => {
    let e = live.get(runId);
    if (!e) {
      e = getRun(deps.store, runId).then((run) =>
        run ? { pipeline: run.pipeline, startedAt: run.startedAt ?? undefined, starts: new Map<string, number>() } : undefined,
      );
      if (live.size >= MAX_LIVE) live.delete(live.keys().next().value!);
      live.set(runId, e);
    }
    return e;
  };
  const onEvent = (event: RunEvent): void => void observe(event);
  const observe = async (event: RunEvent): Promise<void> => {
    try {
      if (event.type === "task:transition") {
        const e = await entry(event.runId);
        if (!e) return;
        if (event.to === "Running") e.starts.set(event.task, event.at);
        else if (event.from === "Running") {
          const start = e.starts.get(event.task);
          e.starts.delete(event.task);
          if (start !== undefined) taskDuration.observe({ pipeline: e.pipeline, state: event.to }, Math.max(0, event.at - start) / 1000);
        }
      } else if (event.type === "run:transition") {
        const e = await entry(event.runId);
        if (!e) return;
        if (event.to === "Running") e.startedAt ??= event.at;
        if (!isTerminalRunState(event.to)) return;
        live.delete(event.runId);
        if (e.startedAt !== undefined) runDuration.observe({ pipeline: e.pipeline, state: event.to }, Math.max(0, event.at - e.startedAt) / 1000);
      }
    } catch {
      // Metrics must never break the event flow they observe.
    }
  };
  const unsubscribe = deps.subscribe(onEvent);
  return { registry, close: unsubscribe };
}
