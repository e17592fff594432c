/**
 * @module What run processes say, applied by the daemon: events into the store (batched across runs, acknowledged
 * once written), heartbeats (batched, extending the run's pool leases), pool requests and cache lookups. Output a
 * child writes outside `console` (its stdout/stderr) becomes run-level log lines.
 */
import type { RunEvent } from "../core/events.ts";
import { findCacheHit, heartbeat, type Store, type StoreSink } from "../store/index.ts";
import type { DaemonLogger } from "./logger.ts";
import type { PoolManager } from "./pools.ts";
import type { DaemonToRun, RunToDaemon } from "../run/protocol.ts";
import type { ChildRuns } from "./children.ts";
import type { SupervisorHooks } from "./supervisor.ts";
import type { TaskJobRelay } from "./task-job-relay.ts";

export interface RunChannelDeps {
  store: Store;
  sink: StoreSink;
  pools: PoolManager;
  log: DaemonLogger;
  now(): number;
  heartbeatMs: number;
  publish(event: RunEvent): void;
  pipelineOf(runId: string): string | undefined;
  children: ChildRuns;
  /** Distributed task executions (`distribute: true`) queued as task jobs. */
  jobs: Pick<TaskJobRelay, "submit" | "cancel">;
}

export interface RunChannel extends Omit<SupervisorHooks, "onExit"> {
  close(): void;
}

export function createRunChannel(deps: RunChannelDeps): RunChannel {
  const acks: (() => void)[] = [];
  let ackTick: NodeJS.Immediate | undefined;
  const beats = new Set<string>();

  const flushAcks = (): void => {
    ackTick = undefined;
    deps.sink.flush().then(
      () => acks.splice(0).forEach((ack) => ack()),
      (error: unknown) => deps.log.error("store:write", `could not record run events: ${String(error)}`),
    );
  };
  const beat = async (): Promise<void> => {
    if (beats.size === 0) return;
    const ids = [...beats];
    beats.clear();
    try {
      await heartbeat(deps.store, ids, deps.now());
      await deps.pools.extend(ids);
    } catch (error) {
      deps.log.error("store:write", `could not record heartbeats: ${String(error)}`);
    }
  };
  const beatTimer = setInterval(() => void beat(), deps.heartbeatMs);
  beatTimer.unref();

  const emit = (event: RunEvent): void => {
    deps.sink.emit(event);
    deps.publish(event);
  };

  return {
    onMessage(runId: string, m: RunToDaemon, reply: (m: DaemonToRun) => void): void {
      const failed = (what: string) => (e: unknown): void => deps.log.error(what, `${runId}: ${(e as Error)?.message ?? String(e)}`);
      switch (m.type) {
        case "events":
          for (const e of m.events) emit(e);
          acks.push(() => reply({ type: "ack", seq: m.seq }));
          ackTick ??= setImmediate(flushAcks);
          return;
        case "heartbeat":
          beats.add(runId);
          return;
        case "acquire":
          deps.pools.acquire(runId, m.id, m.pool, () => reply({ type: "granted", id: m.id })).catch(failed("pool:acquire"));
          return;
        case "abandon":
          return deps.pools.abandon(runId, m.id);
        case "release":
          deps.pools.release(runId, m.id).catch(failed("pool:release"));
          return;
        case "cache": {
          const pipeline = deps.pipelineOf(runId);
          const lookup = pipeline === undefined ? Promise.resolve(undefined) : findCacheHit(deps.store, {
            pipeline, task: m.task, cacheKey: m.cacheKey, notBefore: m.maxAgeMs === undefined ? 0 : deps.now() - m.maxAgeMs,
          });
          // A failed lookup answers "no cached result": the task computes it.
          lookup.catch((e: unknown) => (failed("cache:read")(e), undefined)).then((found) =>
            reply({ type: "cached", id: m.id, ...(found ? { resultJson: found.resultJson, reads: found.reads } : {}) }),
          ).catch(failed("cache:read"));
          return;
        }
        case "child": {
          const { type: _t, ...request } = m;
          deps.children.request(runId, request, reply).catch(failed("child:start"));
          return;
        }
        case "childCancel":
          deps.children.cancel(runId, m.runId, m.reason).catch(failed("child:cancel"));
          return;
        case "job":
          return deps.jobs.submit(runId, m.id, m.job, reply);
        case "jobCancel":
          return deps.jobs.cancel(runId, m.id);
        default:
          return;
      }
    },
    onOutput(runId, stream, line) {
      if (line.trim() === "") return;
      emit({ type: "log:line", runId, level: stream === "stderr" ? "warn" : "info", message: line, at: deps.now() });
    },
    close() {
      clearInterval(beatTimer);
      if (ackTick) clearImmediate(ackTick);
      flushAcks();
    },
  };
}
