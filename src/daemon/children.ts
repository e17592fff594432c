/**
 * @module Child runs (`ctx.runPipeline`): a run process asks, the daemon creates the child (params checked like an
 * API submission, the parent's logical date, `parentRunId`, trigger kind `child`, keyed so a repeat is the same run),
 * and answers when it is created and, if the task waits, when it ended with its results. When a parent run ends,
 * children it was waiting for that are still queued or running are cancelled. In a cluster the child runs on any
 * worker: a node without the pipeline loaded finds its active version in the database, and a parent's node learns of
 * its children's ends by `check` (NOTIFY of run ends, and polling).
 */
import { formatDiagnostic } from "../core/errors.ts";
import { isTerminalRunState, type RunState } from "../core/states.ts";
import { suggest } from "../core/suggest.ts";
import type { ChildRunReply, ChildRunRequest } from "../engine/types.ts";
import type { ParamsChecker } from "../run/params-check.ts";
import type { DaemonToRun } from "../run/protocol.ts";
import { getRun, listChildRuns, type RunRecord, type Store } from "../store/index.ts";
import type { DaemonLogger } from "./logger.ts";
import type { Registry } from "./registry.ts";
import type { RunManager } from "./run-manager.ts";
import type { VersionManifest } from "./version-manifest.ts";

/** What a child run records about its parent (its trigger detail). */
export interface ChildDetail {
  parentRunId: string;
  parentTask: string;
  wait: boolean;
}

export interface ChildRuns {
  request(parentRunId: string, m: ChildRunRequest & { id: number }, reply: (m: DaemonToRun) => void): Promise<void>;
  /** The parent's task stopped waiting: cancel the child if it is this parent's and still going. */
  cancel(parentRunId: string, childRunId: string, reason: string): Promise<void>;
  runEnded(run: RunRecord, state: RunState): Promise<void>;
  /** Answers the waiters whose child ended on another node (cluster). */
  check(): Promise<void>;
}

export function createChildRuns(deps: {
  store: Store; registry: Registry; runs: RunManager; params: ParamsChecker; now(): number; log: DaemonLogger;
  /** The active version of a pipeline this node has not loaded (a worker in a cluster finds it in the database). */
  activeElsewhere?: ((pipeline: string) => Promise<VersionManifest | undefined>) | undefined;
}): ChildRuns {
  const { store, registry, runs, log } = deps;
  /** Waited-on children by run id: who to tell when each ends. */
  const waiters = new Map<string, { parentRunId: string; id: number; reply: (m: DaemonToRun) => void }>();

  async function replyOf(runId: string): Promise<ChildRunReply> {
    const run = (await getRun(store, runId))!;
    const results: Record<string, unknown> = {};
    for (const t of run.tasks) if (t.mapIndex === null && t.resultJson !== null) results[t.task] = JSON.parse(t.resultJson) as unknown;
    return { runId, pipeline: run.pipeline, state: run.state, results, ...(run.error ? { error: run.error } : {}) };
  }

  async function cancelIfGoing(child: RunRecord, reason: string): Promise<void> {
    if (isTerminalRunState(child.state)) return;
    try {
      await runs.cancel(child.id, reason);
    } catch (error) {
      log.warn("child:cancel", `${child.id}: ${(error as Error)?.message ?? String(error)}`, { runId: child.id });
    }
  }

  return {
    async request(parentRunId, m, reply) {
      const parent = await getRun(store, parentRunId);
      const manifest = registry.get(m.pipeline)?.manifest ?? (await deps.activeElsewhere?.(m.pipeline));
      if (!parent || !manifest) {
        const hint = suggest(m.pipeline, registry.list().map((e) => e.name));
        const why = manifest ? `run ${parentRunId} is unknown` : `no valid pipeline named "${m.pipeline}" is loaded${hint ? `; did you mean "${hint}"?` : ""}`;
        return reply({ type: "childRefused", id: m.id, message: `ctx.runPipeline: ${why}` });
      }
      const checked = deps.params.check(manifest, m.params);
      if (!checked.ok) {
        const issues = checked.diagnostics.map(formatDiagnostic).join("; ");
        return reply({ type: "childRefused", id: m.id, message: `ctx.runPipeline("${m.pipeline}"): invalid params: ${issues}` });
      }
      const detail: ChildDetail = { parentRunId, parentTask: m.parentTask, wait: m.wait };
      const { run, created } = await runs.create({
        pipeline: manifest.pipeline, version: manifest.version, params: checked.params, trigger: { kind: "child", detail },
        idempotencyKey: m.key, parentRunId, scheduledFor: parent.scheduledFor, createdAt: deps.now(),
      });
      if (created) log.info("child:start", `${parent.pipeline} ${parentRunId} (task ${m.parentTask}) started ${run.pipeline} ${run.id}`, { runId: run.id, parentRunId });
      reply({ type: "childStarted", id: m.id, runId: run.id });
      if (!m.wait) return;
      if (isTerminalRunState(run.state)) return reply({ type: "childEnded", id: m.id, reply: await replyOf(run.id) });
      waiters.set(run.id, { parentRunId, id: m.id, reply });
    },
    async cancel(parentRunId, childRunId, reason) {
      const child = await getRun(store, childRunId);
      if (child?.parentRunId !== parentRunId) return; // only a run's own children
      waiters.delete(childRunId);
      await cancelIfGoing(child, reason);
    },
    async check() {
      for (const [runId, waiter] of [...waiters]) {
        const child = await getRun(store, runId);
        if (!child || !isTerminalRunState(child.state) || waiters.get(runId) !== waiter) continue;
        waiters.delete(runId);
        waiter.reply({ type: "childEnded", id: waiter.id, reply: await replyOf(runId) });
      }
    },
    async runEnded(run, state) {
      const waiter = waiters.get(run.id);
      if (waiter) {
        waiters.delete(run.id);
        waiter.reply({ type: "childEnded", id: waiter.id, reply: await replyOf(run.id) });
      }
      for (const child of await listChildRuns(store, run.id)) {
        if (!(child.trigger.detail as Partial<ChildDetail> | null)?.wait) continue;
        waiters.delete(child.id);
        await cancelIfGoing(child, `its parent run ${run.id} ended ${state}`);
      }
    },
  };
}
