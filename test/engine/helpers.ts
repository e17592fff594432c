/** Shared test helpers: a collecting sink (a real sink that keeps events in memory) and plan building. */
import assert from "node:assert/strict";
import { createManualClock, type ManualClock } from "../../src/core/clock.ts";
import type { RunEvent, RunEventSink } from "../../src/core/events.ts";
import type { AnyPipeline } from "../../src/dsl/pipeline.ts";
import { PipelineSpecSchema } from "../../schemas/pipeline.ts";
import { planPipeline, type Plan } from "../../src/plan/index.ts";
import { executeRun, type ExecuteRunOptions, type RunOutcome } from "../../src/engine/index.ts";

export interface CollectingSink extends RunEventSink {
  events: RunEvent[];
}

export function collectingSink(): CollectingSink {
  const events: RunEvent[] = [];
  return { events, emit: (e) => void events.push(e), flush: async () => {} };
}

/** The spec/plan of a DSL pipeline (the same mapping the validator does, kept minimal here). */
export function planOf(p: AnyPipeline): Plan {
  const tasks = p.tasks.map((t) => {
    const { over, retryIf: _r, cacheKey, onSuccess: _s, onFailure: _f, onRetry: _t, ...rest } = t.options;
    return { name: t.name, ...rest, ...(over ? { map: over } : {}), ...(cacheKey && !rest.cache ? { cache: "inputs" } : {}) };
  });
  const { params: _p, onSuccess: _s, onFailure: _f, onRetry: _t, ...options } = p.options;
  const spec = PipelineSpecSchema.parse({ ...options, tasks });
  const planned = planPipeline(spec, { file: "/virtual/p.ts", contents: new Map() });
  assert.ok(planned.ok, JSON.stringify(!planned.ok && planned.diagnostics));
  return planned.plan;
}

export interface Harness {
  clock: ManualClock;
  sink: CollectingSink;
  done: Promise<RunOutcome>;
  outcome: RunOutcome | undefined;
}

export function start(
  p: AnyPipeline,
  options: Partial<ExecuteRunOptions> & { clock?: ManualClock } = {},
): Harness {
  const clock = options.clock ?? createManualClock(1_000);
  const sink = collectingSink();
  const h: Harness = {
    clock,
    sink,
    outcome: undefined,
    done: executeRun({
      runId: "run-1",
      pipeline: p,
      plan: planOf(p),
      params: {},
      concurrency: 4,
      ...options,
      sink,
      clock,
    }),
  };
  void h.done.then((o) => (h.outcome = o));
  return h;
}

export const run = (p: AnyPipeline, options: Partial<ExecuteRunOptions> & { clock?: ManualClock } = {}): Promise<RunOutcome> =>
  start(p, options).done;

/** Lets promise callbacks and immediates run. */
export async function tick(times = 3): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Waits (in real time, briefly) until the condition holds. */
export async function until(cond: () => boolean, what = "condition"): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await tick(1);
  }
  assert.fail(`timed out waiting for ${what}`);
}

export function taskEvents(events: readonly RunEvent[], task: string) {
  return events.filter((e): e is Extract<RunEvent, { type: "task:transition" }> => e.type === "task:transition" && e.task === task);
}

/** `from->to` strings of a task's transitions. */
export const path = (events: readonly RunEvent[], task: string): string[] =>
  taskEvents(events, task).map((e) => `${e.from}->${e.to}`);

export const states = (o: RunOutcome): Record<string, string> =>
  Object.fromEntries([...o.tasks].map(([k, t]) => [k, t.state]));

export const runStates = (events: readonly RunEvent[]): string[] =>
  events.filter((e) => e.type === "run:transition").map((e) => (e.type === "run:transition" ? e.to : ""));
