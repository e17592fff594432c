/**
 * @module Schedules wired to the registry and the store. Firing a slot creates the run under the unique key
 * (schedule id, slot time) and then advances the cursor. Both writes are idempotent, so a crash between them is
 * harmless: the next daemon sees the old cursor, fires the slot again, and `createRun` returns the existing run
 * (no slot ever runs twice). Overlap policy decides between start, skip, queue and cancel-previous. The
 * scheduler reads cursors synchronously, from a copy loaded at each sync and updated by each advance here.
 */
import type { Schedule } from "../../schemas/schedule.ts";
import type { Clock } from "../core/clock.ts";
import { createScheduler, decideOverlap, nextSlots, scheduleId, type ScheduledTarget } from "../schedule/index.ts";
import {
  advanceScheduleCursor, getSchedule, listSchedules, removeSchedulesNotIn, setSchedulePaused, upsertSchedules,
  type ScheduleRecord, type Store,
} from "../store/index.ts";
import type { DaemonLogger } from "./logger.ts";
import type { ParamsChecker } from "../run/params-check.ts";
import type { Registry } from "./registry.ts";
import type { RunManager } from "./run-manager.ts";

export interface ScheduleWiring extends AsyncDisposable {
  start(): void;
  /** Re-reads every active pipeline's schedules (after a reload); removed pipelines' schedules stop. */
  sync(removedPipelines: readonly string[]): Promise<void>;
  /** Re-reads pause flags and cursors from the store (a pause or resume made through another node). */
  refresh(): Promise<void>;
  pause(id: string, paused: boolean): Promise<ScheduleRecord | undefined>;
  /** Max concurrent runs a schedule allows (its overlap policy). */
  limit(id: string): number | undefined;
  next(id: string, count: number): number[];
  lateness(): { scheduleId: string; pipeline: string; seconds: number }[];
  stop(): Promise<void>;
}

export interface ScheduleWiringDeps {
  store: Store;
  registry: Registry;
  runs: RunManager;
  params: ParamsChecker;
  clock: Clock;
  log: DaemonLogger;
}

export function createScheduleWiring(deps: ScheduleWiringDeps): ScheduleWiring {
  const { store, registry, runs, log } = deps;
  const known = new Map<string, { pipeline: string; schedule: Schedule }>();
  const late = new Map<string, { pipeline: string; seconds: number }>();
  const cursors = new Map<string, number>();
  const advance = async (id: string, slotAt: number, now: number): Promise<void> => {
    await advanceScheduleCursor(store, id, slotAt, now);
    if (!(slotAt <= (cursors.get(id) ?? Number.NEGATIVE_INFINITY))) cursors.set(id, slotAt);
  };

  async function fire(target: ScheduledTarget, slotAt: number): Promise<void> {
    // Paused through another node whose announcement has not arrived (or was lost): the stored flag decides. One
    // node (SQLite) pauses its own scheduler directly, so only a cluster pays this read per slot.
    if (store.dialect === "postgres" && (await getSchedule(store, target.id))?.paused) return void refresh().catch(reportRefresh);
    const now = deps.clock.now();
    const entry = registry.get(target.pipeline);
    const manifest = entry?.manifest;
    if (!manifest) {
      await advance(target.id, slotAt, now);
      return;
    }
    const decision = decideOverlap(
      target.schedule.overlap,
      (await runs.ofSchedule(target.id)).map((r) => ({ id: r.id, createdAt: r.createdAt })),
      target.schedule.maxActiveRuns,
    );
    if (decision.action === "skip") {
      await advance(target.id, slotAt, now);
      log.info("schedule:skip", `${target.id} slot ${new Date(slotAt).toISOString()} skipped: a run is still active (overlap: skip)`);
      return;
    }
    if (decision.action === "cancel-previous") {
      for (const id of decision.cancel) {
        try {
          await runs.cancel(id, `cancelled by slot ${new Date(slotAt).toISOString()} (overlap: cancel-previous)`);
        } catch {
          // already ended
        }
      }
    }
    const input = { ...target.schedule.params };
    // a params(slot) function runs in the run process, which validates its result with the pipeline's own schema
    const checked = target.schedule.paramsFromSlot
      ? { ok: false as const }
      : deps.params.check(manifest, input);
    const { run, created } = await runs.create({
      pipeline: target.pipeline, version: manifest.version, params: checked.ok ? checked.params : input,
      trigger: { kind: "schedule", detail: { schedule: target.schedule.name, slotAt } },
      scheduleId: target.id, slotAt, createdAt: now,
    });
    await advance(target.id, slotAt, now);
    late.set(target.id, { pipeline: target.pipeline, seconds: (now - slotAt) / 1000 });
    if (created) log.info("schedule:fire", `${target.id} slot ${new Date(slotAt).toISOString()} -> run ${run.id}${decision.action === "queue" ? " (queued)" : ""}`, { scheduleId: target.id, runId: run.id, slotAt, lateMs: now - slotAt });
    // Two leaders for a moment (a lease taken over before the old holder noticed): the unique key kept one run.
    else log.log("debug", "schedule:exists", `${target.id} slot ${new Date(slotAt).toISOString()} already has run ${run.id}`, { scheduleId: target.id, runId: run.id, slotAt });
  }

  const scheduler = createScheduler({
    clock: deps.clock,
    getCursor: (id) => cursors.get(id),
    fire,
    onError: (error, target) => log.error("schedule:error", `${target?.id ?? "scheduler"}: ${(error as Error)?.message ?? String(error)}`),
  });

  async function sync(removedPipelines: readonly string[]): Promise<void> {
    known.clear();
    const byPipeline = new Map<string, string[]>();
    const rows = [];
    for (const entry of registry.list()) {
      const spec = entry.manifest?.spec;
      if (!spec) continue;
      const ids: string[] = [];
      for (const schedule of spec.schedules) {
        const id = scheduleId(spec.name, schedule.name);
        ids.push(id);
        known.set(id, { pipeline: spec.name, schedule });
        const { cron, timezone, name, ...policy } = schedule;
        rows.push({ id, pipeline: spec.name, name, cron, timezone, policy, paused: schedule.paused });
      }
      byPipeline.set(spec.name, ids);
    }
    await upsertSchedules(store, rows, deps.clock.now());
    for (const [pipeline, ids] of byPipeline) await removeSchedulesNotIn(store, pipeline, ids);
    for (const pipeline of removedPipelines) if (!byPipeline.has(pipeline)) await removeSchedulesNotIn(store, pipeline, []);
    await refresh();
  }

  /** The stored pause flags (API pause/resume, from any node) win over the specs' initial ones. */
  async function refresh(): Promise<void> {
    const stored = await listSchedules(store);
    const paused = new Map(stored.map((s) => [s.id, s.paused]));
    cursors.clear();
    for (const s of stored) if (s.cursorAt !== null) cursors.set(s.id, s.cursorAt);
    scheduler.setSchedules([...known.entries()].map(([id, k]) => ({ pipeline: k.pipeline, schedule: { ...k.schedule, paused: paused.get(id) ?? k.schedule.paused } })));
  }
  const reportRefresh = (error: unknown): void => log.error("schedule:error", `re-reading the schedules: ${(error as Error)?.message ?? String(error)}`);

  return {
    start: () => scheduler.start(),
    sync,
    refresh,
    async pause(id, paused) {
      if (!(await setSchedulePaused(store, id, paused, deps.clock.now()))) return undefined;
      await sync([]);
      return await getSchedule(store, id);
    },
    limit(id) {
      const s = known.get(id)?.schedule;
      if (!s) return undefined;
      return s.maxActiveRuns ?? (s.overlap === "allow" ? undefined : 1);
    },
    next(id, count) {
      const s = known.get(id)?.schedule;
      return s ? nextSlots(s, deps.clock.now(), count) : [];
    },
    lateness: () => [...late].map(([scheduleId, v]) => ({ scheduleId, ...v })),
    stop: () => scheduler.stop(),
    [Symbol.asyncDispose]: () => scheduler.stop(),
  };
}
