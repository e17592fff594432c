/**
 * A real {@link ApiDeps} for tests: a real SQLite store in a temporary folder, pipelines planned in process, and
 * runs executed by the real engine (runner + store sink) in this process. Not a mock: the daemon's facade in
 * miniature, single writer included.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/core/clock.ts";
import { ConflictError, NotFoundError, type Diagnostic } from "../../src/core/errors.ts";
import type { RunEvent } from "../../src/core/events.ts";
import { isTerminalRunState } from "../../src/core/states.ts";
import type { AnyPipeline } from "../../src/dsl/pipeline.ts";
import { paramsJsonSchema, validatePipeline } from "../../src/dsl/validate.ts";
import { createPoolGate } from "../../src/engine/index.ts";
import type { LoadedPipeline } from "../../src/loader/types.ts";
import { executePipelineRun, validateParamsOrThrow } from "../../src/run/index.ts";
import { scheduleId } from "../../src/schedule/schedule-id.ts";
import {
  createRun, createStoreSink, getRun, getSchedule, openStore, recordPipelineVersions, setSchedulePaused,
  upsertSchedules, type RunRecord, type RunTrigger, type Store,
} from "../../src/store/index.ts";
import { planForTest } from "../../src/testing/index.ts";
import type { ApiDeps, DaemonStats, PipelineStatus, SubmitRunInput } from "../../src/api/index.ts";

export interface TestDaemon extends AsyncDisposable {
  deps: ApiDeps;
  store: Store;
  /** Resolves when the run ends (its events are durable by then). */
  settled(runId: string): Promise<void>;
  /** Every live event emitted so far, in order. */
  events: RunEvent[];
}

export interface TestDaemonOptions {
  pipelines: readonly AnyPipeline[];
  /** Pipelines the "loader" reports as invalid. */
  invalid?: readonly { name: string; file: string; diagnostics: Diagnostic[]; lastGood?: AnyPipeline }[];
  stats?: DaemonStats;
}

function load(p: AnyPipeline): LoadedPipeline {
  const checked = validatePipeline(p);
  if (!checked.ok) throw new Error(`test pipeline ${p.options.name} is invalid`);
  const plan = planForTest(p);
  return {
    name: checked.spec.name, file: p.location.file ?? "(test)", exportName: "default", version: plan.version,
    spec: checked.spec, plan, paramsSchema: paramsJsonSchema(p), locations: checked.locations,
  };
}

/** The node the test daemon's writes name (as a daemon names its node id). */
export const TEST_NODE = "test-box:4242";

export async function createTestDaemon(options: TestDaemonOptions): Promise<TestDaemon> {
  const dir = mkdtempSync(join(tmpdir(), "floe-api-"));
  const store = openStore(join(dir, "floe.db"));
  const clock = systemClock;
  const code = new Map(options.pipelines.map((p) => [p.options.name, p]));
  const statuses: PipelineStatus[] = options.pipelines.map((p) => {
    const active = load(p);
    return { name: active.name, file: active.file, valid: true, diagnostics: [], active };
  });
  for (const bad of options.invalid ?? []) {
    if (bad.lastGood) code.set(bad.name, bad.lastGood);
    statuses.push({ name: bad.name, file: bad.file, valid: false, diagnostics: bad.diagnostics, active: bad.lastGood ? load(bad.lastGood) : null });
  }
  for (const s of statuses) {
    if (!s.active) continue;
    const { plan, file } = s.active;
    await recordPipelineVersions(store, [{ pipeline: s.name, version: plan.version, file, plan, createdAt: clock.now() }]);
    await upsertSchedules(store, s.active.spec.schedules.map((sch) => ({
      id: scheduleId(s.name, sch.name), pipeline: s.name, name: sch.name, cron: sch.cron, timezone: sch.timezone,
      policy: { catchUp: sch.catchUp, overlap: sch.overlap }, paused: sch.paused,
    })));
  }

  const listeners = new Set<{ runId: string | undefined; listener: (e: RunEvent) => void }>();
  const running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  const events: RunEvent[] = [];

  async function start(pipelineName: string, params: unknown, trigger: RunTrigger, extra: { idempotencyKey?: string | undefined; retryOf?: string | undefined }) {
    const status = statuses.find((s) => s.name === pipelineName);
    const pipeline = code.get(pipelineName);
    if (!status || !pipeline) throw new NotFoundError("pipeline", pipelineName);
    if (!status.active) throw new ConflictError(`pipeline "${pipelineName}" has no valid version`);
    const valid = validateParamsOrThrow(pipeline, params ?? {});
    const { run, created } = await createRun(store, {
      pipeline: pipelineName, version: status.active.version, params: valid, trigger, createdAt: clock.now(),
      idempotencyKey: extra.idempotencyKey, retryOf: extra.retryOf,
    });
    if (!created) return { run, created };
    const abort = new AbortController();
    const storeSink = createStoreSink(store, { node: TEST_NODE });
    const sink = {
      emit(e: RunEvent) {
        storeSink.emit(e);
        events.push(e);
        // Delivered before the store write, like a daemon relaying IPC: the API must treat them as hints.
        for (const l of listeners) if (l.runId === undefined || l.runId === e.runId) l.listener(e);
      },
      flush: () => storeSink.flush(),
    };
    const done = executePipelineRun({
      runId: run.id, pipeline, plan: status.active.plan, params: valid, sink, clock, signal: abort.signal,
      concurrency: 4, pools: createPoolGate({}),
    }).then(() => storeSink.flush()).finally(() => {
      storeSink[Symbol.dispose]();
      running.delete(run.id);
    }).then(() => undefined);
    running.set(run.id, { abort, done });
    return { run, created };
  }

  const deps: ApiDeps = {
    store,
    pipelines: () => statuses,
    submitRun: (input: SubmitRunInput) =>
      start(input.pipeline, input.params, input.trigger, { idempotencyKey: input.idempotencyKey }),
    async cancelRun(runId) {
      const run = await getRun(store, runId);
      if (!run) throw new NotFoundError("run", runId);
      if (isTerminalRunState(run.state)) throw new ConflictError(`run ${runId} already ended (${run.state})`);
      running.get(runId)?.abort.abort(new Error("cancelled via API"));
    },
    async retryRun(runId): Promise<RunRecord> {
      const run = await getRun(store, runId);
      if (!run) throw new NotFoundError("run", runId);
      if (!isTerminalRunState(run.state)) throw new ConflictError(`run ${runId} is still ${run.state}`);
      return (await start(run.pipeline, run.params, { kind: "retry", detail: { of: runId } }, { retryOf: runId })).run;
    },
    // backfills need the daemon's run queue: test/daemon/backfill.test.ts covers them on a real daemon
    async createBackfill() {
      throw new ConflictError("backfills are not served by this in-process test app");
    },
    async cancelBackfill() {
      throw new ConflictError("backfills are not served by this in-process test app");
    },
    async pauseSchedule(id, paused) {
      if (!await setSchedulePaused(store, id, paused, clock.now())) throw new NotFoundError("schedule", id);
      return (await getSchedule(store, id))!;
    },
    subscribe(listener, runId) {
      const entry = { runId, listener };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    ...(options.stats ? { stats: () => options.stats! } : {}),
    version: "0.1.0-test",
    startedAt: clock.now() - 5000,
    clock,
  };

  return {
    deps,
    store,
    events,
    settled: async (runId) => {
      await running.get(runId)?.done;
    },
    async [Symbol.asyncDispose]() {
      for (const r of running.values()) r.abort.abort(new Error("test over"));
      await Promise.allSettled([...running.values()].map((r) => r.done));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** JSON body of a response, typed loosely for assertions. */
export async function json(res: Response): Promise<any> {
  return (await res.json()) as any;
}
