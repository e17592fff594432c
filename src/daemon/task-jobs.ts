/**
 * @module Distributed tasks on a node that executes runs: the relay (its run processes' job requests, answered
 * when the jobs end) and the job worker (claims any run's jobs and runs them). On SQLite the daemon is the
 * cluster's only node, so it is its own only job worker; on PostgreSQL every such node claims jobs.
 */
import { createTaskJobRelay, type TaskJobRelay } from "./task-job-relay.ts";
import { startTaskJobWorker, type TaskJobWorker, type TaskJobWorkerOptions } from "./task-job-worker.ts";

/** What the job worker takes, less what `startTaskJobs` decides itself (lease, polling, the relay's wake-up). */
export type TaskJobsOptions = Omit<TaskJobWorkerOptions, "leaseMs" | "pollMs" | "onEnded">;

export interface TaskJobs {
  relay: TaskJobRelay;
  worker: TaskJobWorker;
  stop(): Promise<void>;
}

/** Lease of a claimed job: a worker that stops renewing loses its jobs this long after (`FLOE_JOB_LEASE_MS`). */
const DEFAULT_LEASE_MS = 15_000;

export function startTaskJobs(options: TaskJobsOptions): TaskJobs {
  const leaseMs = Number(options.env.FLOE_JOB_LEASE_MS) > 0 ? Number(options.env.FLOE_JOB_LEASE_MS) : DEFAULT_LEASE_MS;
  let worker: TaskJobWorker | undefined;
  const relay = createTaskJobRelay({ store: options.store, log: options.log, now: options.now, pollMs: 1_000, onSubmitted: () => worker?.wake() });
  worker = startTaskJobWorker({ ...options, leaseMs, pollMs: 1_000, onEnded: () => relay.poke() });
  return {
    relay,
    worker,
    async stop() {
      await worker.stop();
      await relay.close();
    },
  };
}
