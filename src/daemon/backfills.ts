/**
 * @module Backfills in the daemon: check the range against the schedule of the pipeline's active version, create
 * the runs in the store (same unique (schedule, slot) key as the scheduler), queue them, and cancel them together.
 * A backfill's runs are admitted by its own `maxActive` (run-manager.ts), not by the schedule's overlap policy.
 */
import { ConflictError, NotFoundError, ValidationError } from "../core/errors.ts";
import type { Clock } from "../core/clock.ts";
import { isTerminalRunState } from "../core/states.ts";
import { backfillSlots, scheduleId } from "../schedule/index.ts";
import { cancelBackfill, createBackfill, getBackfill, type BackfillDetail, type Store } from "../store/index.ts";
import type { DaemonLogger } from "./logger.ts";
import type { ParamsChecker } from "../run/params-check.ts";
import type { Registry } from "./registry.ts";
import type { RunManager } from "./run-manager.ts";

export interface BackfillRequest {
  pipeline: string;
  schedule: string;
  from: string;
  to: string;
  maxActive: number;
  rerunFailed: boolean;
  yes: boolean;
}

export interface Backfills {
  create(request: BackfillRequest): Promise<BackfillDetail>;
  cancel(id: string): Promise<BackfillDetail>;
}

export function createBackfills(deps: { store: Store; registry: Registry; runs: RunManager; params: ParamsChecker; clock: Clock; log: DaemonLogger }): Backfills {
  const { store, log } = deps;
  return {
    async create(r) {
      const entry = deps.registry.get(r.pipeline);
      if (!entry) throw new NotFoundError("pipeline", r.pipeline);
      const manifest = entry.manifest;
      if (!manifest) throw new ConflictError(`pipeline "${r.pipeline}" has no valid version`);
      const schedule = manifest.spec.schedules.find((s) => s.name === r.schedule);
      const id = scheduleId(r.pipeline, r.schedule);
      if (!schedule) throw new NotFoundError("schedule", id);
      const slots = backfillSlots(schedule, Date.parse(r.from), Date.parse(r.to), { yes: r.yes, scheduleId: id });
      let params: unknown = { ...schedule.params };
      // a params(slot) function is evaluated per run, in its run process
      if (!schedule.paramsFromSlot) {
        const checked = deps.params.check(manifest, params);
        if (!checked.ok) throw new ValidationError(checked.diagnostics);
        params = checked.params;
      }
      const { backfill, created } = await createBackfill(store, {
        pipeline: r.pipeline, version: manifest.version, scheduleId: id, scheduleName: schedule.name, slots,
        fromAt: Date.parse(r.from), toAt: Date.parse(r.to), maxActive: r.maxActive, rerunFailed: r.rerunFailed,
        params, createdAt: deps.clock.now(),
      });
      deps.runs.enqueue(created);
      log.info("backfill:create", `${backfill.id} ${id}: ${slots.length} slot(s), ${created.length} new run(s), ${slots.length - created.length} skipped`, { backfillId: backfill.id, slots: slots.length, created: created.length });
      return (await getBackfill(store, backfill.id))!;
    },
    async cancel(id) {
      const before = await getBackfill(store, id);
      if (!before) throw new NotFoundError("backfill", id);
      if (before.state !== "Running" || !(await cancelBackfill(store, id, deps.clock.now()))) {
        throw new ConflictError(`backfill ${id} already ended (${before.state})`);
      }
      for (const slot of before.slots) {
        if (!slot.created || slot.runId === null || slot.state === null || isTerminalRunState(slot.state)) continue;
        try {
          await deps.runs.cancel(slot.runId, `backfill ${id} cancelled`);
        } catch {
          // ended meanwhile
        }
      }
      log.info("backfill:cancel", `${id} cancelled`, { backfillId: id });
      return (await getBackfill(store, id))!;
    },
  };
}
