/**
 * @module The daemon's {@link ApiDeps}: the API reads the store directly and changes state only through these
 * calls, which go to the run manager and the schedule wiring (the daemon stays the one writer).
 */
import type { ApiDeps, DaemonStats } from "../api/deps.ts";
import type { RepoBrowser } from "../browse/index.ts";
import type { Clock } from "../core/clock.ts";
import { FLOE_VERSION } from "../core/floe-version.ts";
import { ConflictError, NotFoundError, type Diagnostic } from "../core/errors.ts";
import { getRun, type Store } from "../store/index.ts";
import type { EventBus } from "./event-bus.ts";
import type { ParamsChecker } from "../run/params-check.ts";
import { retryInput, submissionInput } from "../run/submission.ts";
import type { Registry } from "./registry.ts";
import type { RunManager } from "./run-manager.ts";
import type { ScheduleWiring } from "./schedules.ts";
import type { Backfills } from "./backfills.ts";


export interface DaemonApiDepsInput {
  store: Store;
  registry: Registry;
  runs: RunManager;
  schedules: ScheduleWiring;
  backfills: Backfills;
  params: ParamsChecker;
  bus: EventBus;
  clock: Clock;
  startedAt: number;
  stats(): DaemonStats;
  /** This node's metrics, served after the API's at `/metrics`. */
  nodeMetrics?: { metrics(): Promise<string> } | undefined;
  repos?: RepoBrowser | undefined;
  /** Load-time warnings of valid pipelines (a trigger's missing repository), shown with their diagnostics. */
  warnings?: ((pipeline: string) => readonly Diagnostic[]) | undefined;
}

export function createDaemonApiDeps(d: DaemonApiDepsInput): ApiDeps {
  const activeOf = (name: string) => {
    const entry = d.registry.get(name);
    if (!entry) throw new NotFoundError("pipeline", name);
    if (!entry.manifest) throw new ConflictError(`pipeline "${name}" has no valid version (fix its file; see /api/pipelines/${name})`);
    return entry.manifest;
  };
  return {
    store: d.store,
    pipelines: () =>
      d.registry.list().map((e) => {
        const extra = d.warnings?.(e.name) ?? [];
        return extra.length === 0 ? e : { ...e, diagnostics: [...e.diagnostics, ...extra] };
      }),
    async submitRun(input) {
      return d.runs.create(submissionInput(d.params, activeOf(input.pipeline), input));
    },
    async cancelRun(runId) {
      await d.runs.cancel(runId, "cancelled on request");
    },
    async retryRun(runId) {
      const { run } = await d.runs.create(await retryInput(runId, await getRun(d.store, runId), (p) => activeOf(p).version));
      return run;
    },
    async createBackfill(input) {
      return d.backfills.create(input);
    },
    async cancelBackfill(id) {
      return d.backfills.cancel(id);
    },
    async pauseSchedule(id, paused) {
      const record = await d.schedules.pause(id, paused);
      if (!record) throw new NotFoundError("schedule", id);
      return record;
    },
    subscribe: (listener, runId) => d.bus.subscribe(listener, runId),
    stats: d.stats,
    nodeMetrics: d.nodeMetrics,
    repos: d.repos,
    version: FLOE_VERSION,
    startedAt: d.startedAt,
    clock: d.clock,
  };
}
