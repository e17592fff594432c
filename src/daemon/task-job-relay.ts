/**
 * @module Task jobs, the run's node side: a run process asks (over IPC) for a `distribute: true` task execution;
 * the relay queues it as a task job in the database, watches for its end (LISTEN on PostgreSQL, polling always,
 * a poke from this node's own job worker) and answers the run process. A job whose attempt stopped waiting, or
 * whose run ended, is cancelled: its worker loses it at its next lease renewal.
 */
import type { DaemonToRun, JobEvent, TaskJobOutcome, TaskJobRequest } from "../run/protocol.ts";
import {
  JOBS_DONE_CHANNEL, cancelTaskJobs, endedTaskJobs, recordJobNode, submitTaskJobs, type Store, type TaskJobRecord,
} from "../store/index.ts";
import type { DaemonLogger } from "./logger.ts";

export interface TaskJobRelayOptions {
  store: Store;
  log: DaemonLogger;
  now(): number;
  /** How often open jobs are looked up when no notification came (PostgreSQL) or at all (SQLite). */
  pollMs: number;
  /** A job was queued: this node's own job worker may claim it at once. */
  onSubmitted?: (() => void) | undefined;
}

export interface TaskJobRelay {
  submit(runId: string, id: number, job: TaskJobRequest, reply: (m: DaemonToRun) => void): void;
  cancel(runId: string, id: number): void;
  /** The run process ended: its open jobs are cancelled. */
  runEnded(runId: string): void;
  /** A job ended somewhere: look now. */
  poke(): void;
  close(): Promise<void>;
}

interface Waiter {
  runId: string;
  id: number;
  reply: (m: DaemonToRun) => void;
}

/** The job id: one job per attempt of a task key, so a repeated request is the same job. */
export const taskJobId = (runId: string, job: Pick<TaskJobRequest, "task" | "attempt">): string => `${runId}/${job.task}#${job.attempt}`;

export function createTaskJobRelay(options: TaskJobRelayOptions): TaskJobRelay {
  const { store, log } = options;
  const waiting = new Map<string, Waiter>();
  const byRequest = new Map<string, string>();
  let checking: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const failed = (what: string) => (e: unknown): void => log.error(what, (e as Error)?.message ?? String(e));

  const answer = (job: TaskJobRecord): void => {
    const w = waiting.get(job.id);
    if (w === undefined) return;
    waiting.delete(job.id);
    byRequest.delete(`${w.runId}:${w.id}`);
    const outcome: TaskJobOutcome = {
      state: job.state === "Completed" ? "Completed" : job.state === "Cancelled" ? "Cancelled" : "Failed",
      ...(job.resultJson !== null ? { resultJson: job.resultJson } : {}),
      ...(job.error !== null ? { error: job.error } : job.state === "Cancelled" ? { error: { name: "Cancelled", message: `task job ${job.id} was cancelled` } } : {}),
      ...(job.eventsJson !== null ? { events: JSON.parse(job.eventsJson) as JobEvent[] } : {}),
    };
    w.reply({ type: "jobEnded", id: w.id, outcome });
  };
  const check = (): void => {
    if (closed || waiting.size === 0) return;
    if (checking) {
      again = true;
      return;
    }
    checking = endedTaskJobs(store, [...waiting.keys()])
      .then(async (ended) => {
        // the task row names the worker that ran the job, not this node (whose run process only waited)
        for (const job of ended) if (job.state === "Completed" || job.state === "Failed") await recordJobNode(store, job);
        ended.forEach(answer);
      })
      .catch(failed("job:read"))
      .finally(() => {
        checking = undefined;
        if (again) {
          again = false;
          check();
        }
      });
  };
  const timer = setInterval(check, options.pollMs);
  timer.unref();
  const unlisten = store.listen(JOBS_DONE_CHANNEL, check).catch((e: unknown) => {
    failed("job:listen")(e);
    return async () => undefined;
  });

  return {
    submit(runId, id, job, reply) {
      const jobId = taskJobId(runId, job);
      waiting.set(jobId, { runId, id, reply });
      byRequest.set(`${runId}:${id}`, jobId);
      const row = { ...job, id: jobId, runId, createdAt: options.now() };
      submitTaskJobs(store, [row]).then(() => {
        options.onSubmitted?.();
        check(); // a repeated request may find its job ended already
      }, (e: unknown) => {
        waiting.delete(jobId);
        byRequest.delete(`${runId}:${id}`);
        reply({ type: "jobEnded", id, outcome: { state: "Failed", error: { name: "TaskJobError", message: `could not queue task job ${jobId}: ${(e as Error)?.message ?? String(e)}` } } });
      });
    },
    cancel(runId, id) {
      const jobId = byRequest.get(`${runId}:${id}`);
      if (jobId === undefined) return;
      byRequest.delete(`${runId}:${id}`);
      waiting.delete(jobId);
      cancelTaskJobs(store, { ids: [jobId] }, options.now()).catch(failed("job:cancel"));
    },
    runEnded(runId) {
      for (const [jobId, w] of waiting) {
        if (w.runId !== runId) continue;
        waiting.delete(jobId);
        byRequest.delete(`${runId}:${w.id}`);
      }
      cancelTaskJobs(store, { runId }, options.now()).catch(failed("job:cancel"));
    },
    poke: check,
    async close() {
      closed = true;
      clearInterval(timer);
      await (await unlisten)();
      await checking;
    },
  };
}
