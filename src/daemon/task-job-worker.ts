/**
 * @module Task jobs, the worker node side: claims queued jobs of any run (SKIP LOCKED, fence bumped per claim; woken
 * by NOTIFY, polling as the fallback), runs each in a job process of its own that imports the run's exact version
 * (src/run/job-child.ts), renews the leases while they run and records each end with the claim's fence. A job it
 * lost (cancelled, or claimed again after a lease expired) is killed and its end is not written. A job claimed
 * more than {@link MAX_CLAIMS} times (its workers keep dying) fails. A job's `ctx.runPipeline` is served here as a run
 * process's is (`children`): the child is created through the store, keyed by the job's run, task and attempt, so a
 * job claimed again after its worker died finds the same child run.
 */
import type { ChildProcess } from "node:child_process";
import type { ArraylakeSettings } from "../run/arraylake.ts";
import type { DaemonToRun, JobAssignment, JobChildRequest, JobToNode, NodeToJob, TaskJobOutcome } from "../run/protocol.ts";
import type { ChildRuns } from "./children.ts";
import { createJobProcesses } from "./job-processes.ts";
import {
  JOBS_CHANNEL, claimTaskJobs, finishTaskJob, releaseTaskJob, renewTaskJobs, type Store, type TaskJobClaim,
} from "../store/index.ts";
import type { DaemonLogger } from "./logger.ts";

/** A job whose workers died this many times fails instead of taking down another. */
export const MAX_CLAIMS = 3;

/** Where a version's snapshot module is on this node, restored from its bundle when needed; rejects when it cannot be. */
export type VersionLocator = (pipeline: string, version: string) => Promise<{ entry: string; exportName: string }>;

export interface TaskJobWorkerOptions {
  store: Store;
  /** This node's id (claimed_by). */
  node: string;
  /** Jobs running at once on this node. */
  slots: number;
  leaseMs: number;
  pollMs: number;
  version: VersionLocator;
  arraylake(): ArraylakeSettings;
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: DaemonLogger;
  now(): number;
  /** Child runs of jobs' tasks (`ctx.runPipeline`), as for this node's run processes. */
  children: Pick<ChildRuns, "request" | "cancel">;
  /** A job ended (this node's relay may be waiting for it). */
  onEnded?: (() => void) | undefined;
}

export interface TaskJobWorker {
  /** Look for jobs now. */
  wake(): void;
  /** Running job processes (tests, status). */
  running(): { jobId: string; pid: number | undefined }[];
  /** Kills running job processes and gives their jobs back for another worker. */
  stop(): Promise<void>;
}

interface Running {
  claim: TaskJobClaim;
  child: ChildProcess | undefined;
  lost: boolean;
}

export function startTaskJobWorker(options: TaskJobWorkerOptions): TaskJobWorker {
  const { store, log } = options;
  const running = new Map<string, Running>();
  const processes = createJobProcesses({ cwd: options.cwd, env: options.env, log });
  let stopped = false;
  let claiming = false;
  let again = false;
  const failed = (what: string) => (e: unknown): void => log.error(what, (e as Error)?.message ?? String(e));

  const end = async (r: Running, outcome: TaskJobOutcome): Promise<void> => {
    const { job, fence } = r.claim;
    const accepted = r.lost ? false : await finishTaskJob(store, {
      id: job.id, fence, state: outcome.state === "Completed" ? "Completed" : "Failed", resultJson: outcome.resultJson,
      error: outcome.error, eventsJson: outcome.events ? JSON.stringify(outcome.events) : undefined, at: options.now(),
    });
    if (!accepted) log.info("job:stale", `${job.id}: its end was not recorded (this node no longer holds it)`);
    options.onEnded?.();
  };

  const start = async (r: Running): Promise<void> => {
    const { job } = r.claim;
    if (r.claim.fence > MAX_CLAIMS) {
      return end(r, { state: "Failed", error: { name: "TaskJobError", message: `task job ${job.id} lost its worker ${MAX_CLAIMS} times; not trying again` } });
    }
    const where = await options.version(job.pipeline, job.version).catch((e: unknown) => e as Error);
    if (where instanceof Error) {
      return end(r, { state: "Failed", error: { name: "TaskJobError", message: `node ${options.node} cannot run task job ${job.id}: ${where.message}` } });
    }
    const assignment: JobAssignment = {
      jobId: job.id, runId: job.runId, pipeline: job.pipeline, version: job.version, task: job.task, name: job.name,
      attempt: job.attempt, file: where.entry, exportName: where.exportName, inputJson: job.inputJson, arraylake: options.arraylake(),
    };
    const { child, ready } = processes.take(job.id);
    r.child = child;
    let outcome: TaskJobOutcome | undefined;
    child.on("message", (m: JobToNode) => {
      if (m.type === "done") outcome = m.outcome;
      else if (m.type === "child" || m.type === "childCancel") childRequest(r, m);
    });
    const exit = new Promise<string>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.signalCode ?? `exit code ${child.exitCode}`);
      child.once("error", (e) => resolve(e.message));
      child.once("close", (code, signal) => resolve(signal ?? `exit code ${code}`));
    });
    // lost while it booted: the renewal killed it, and its end is not written anyway
    if (await ready.then(() => !r.lost, () => false)) child.send({ type: "start", assignment } satisfies NodeToJob);
    const how = await exit;
    await end(r, outcome ?? { state: "Failed", error: { name: "TaskJobError", message: `the job process of ${job.id} ended without a result (${how})` } });
  };

  const childRequest = (r: Running, m: JobChildRequest): void => {
    const { job } = r.claim;
    const reply = (answer: DaemonToRun): void => {
      const { child } = r;
      if (r.lost || !child?.connected) return;
      if (answer.type === "childStarted" || answer.type === "childEnded" || answer.type === "childRefused") child.send(answer satisfies NodeToJob);
    };
    if (m.type === "childCancel") return void options.children.cancel(job.runId, m.runId, m.reason).catch(failed("job:child"));
    options.children.request(job.runId, m, reply).catch((e: unknown) => {
      reply({ type: "childRefused", id: m.id, message: `ctx.runPipeline("${m.pipeline}") in task ${job.task}: ${(e as Error)?.message ?? String(e)}` });
    });
  };

  const claim = async (): Promise<void> => {
    if (claiming) {
      again = true;
      return;
    }
    claiming = true;
    try {
      do {
        again = false;
        if (stopped) return;
        const free = options.slots - running.size;
        const claims = await claimTaskJobs(store, { node: options.node, limit: free, now: options.now(), leaseMs: options.leaseMs });
        for (const c of claims) {
          const r: Running = { claim: c, child: undefined, lost: false };
          running.set(c.job.id, r);
          log.info("job:claim", `${c.job.id} (fence ${c.fence})`);
          start(r).catch(failed("job:run")).finally(() => {
            running.delete(c.job.id);
            void claim();
          });
        }
        if (claims.length === free && free > 0) again = true;
      } while (again && running.size < options.slots);
    } catch (e) {
      failed("job:claim")(e);
    } finally {
      claiming = false;
    }
  };

  const renew = async (): Promise<void> => {
    const held = [...running.values()].filter((r) => !r.lost);
    const lost = await renewTaskJobs(store, options.node, held.map((r) => ({ id: r.claim.job.id, fence: r.claim.fence })), options.now() + options.leaseMs);
    for (const id of lost) {
      const r = running.get(id);
      if (r === undefined) continue;
      r.lost = true;
      log.info("job:lost", `${id}: cancelled or claimed by another node; stopping its process`);
      r.child?.kill("SIGKILL");
    }
  };

  const poller = setInterval(() => void claim(), options.pollMs);
  poller.unref();
  const renewer = setInterval(() => renew().catch(failed("job:renew")), Math.max(100, Math.floor(options.leaseMs / 3)));
  renewer.unref();
  const unlisten = store.listen(JOBS_CHANNEL, () => void claim()).catch((e: unknown) => {
    failed("job:listen")(e);
    return async () => undefined;
  });
  void claim();

  return {
    wake: () => void claim(),
    running: () => [...running.values()].map((r) => ({ jobId: r.claim.job.id, pid: r.child?.pid })),
    async stop() {
      stopped = true;
      processes.close();
      clearInterval(poller);
      clearInterval(renewer);
      await (await unlisten)();
      const held = [...running.values()];
      for (const r of held) {
        r.lost = true;
        r.child?.kill("SIGKILL");
      }
      for (const r of held) await releaseTaskJob(store, r.claim.job.id, r.claim.fence).catch(failed("job:release"));
    },
  };
}
