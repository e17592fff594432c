/**
 * @module The processes a node runs task jobs in (src/run/job-child.ts, forked with tsx). Once a job takes one, a
 * spare is booted so the next job starts without the start-up cost (a node running a distributed map takes them
 * back to back); a spare left idle for {@link SPARE_IDLE_MS} is stopped, so nodes that run no jobs keep none.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { withHugePages } from "../core/huge-pages.ts";
import { JOB_CHILD_ENTRY, type JobToNode } from "../run/protocol.ts";
import type { DaemonLogger } from "./logger.ts";

const TSX = import.meta.resolve("../core/register-tsx.mjs");

export const SPARE_IDLE_MS = 30_000;

export interface JobProcess {
  child: ChildProcess;
  /** Resolves once the process imported the heavy parts and waits for its assignment. */
  ready: Promise<void>;
}

export interface JobProcesses {
  /** A ready (or booting) process for job `jobId`; its stderr lines are logged under that job. */
  take(jobId: string): JobProcess;
  close(): void;
}

export function createJobProcesses(options: { cwd: string; env: NodeJS.ProcessEnv; log: DaemonLogger }): JobProcesses {
  let spare: (JobProcess & { label: { job: string } }) | undefined;
  let idle: NodeJS.Timeout | undefined;
  let closed = false;

  const boot = (): JobProcess & { label: { job: string } } => {
    const child = fork(JOB_CHILD_ENTRY, [], {
      cwd: options.cwd, env: withHugePages(options.env), execArgv: ["--import", TSX, "--no-warnings"],
      stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced",
    });
    const label = { job: "(spare)" };
    // console output of a task becomes log lines; what else reaches stderr (a crash) goes to the node's log
    if (child.stderr) createInterface({ input: child.stderr }).on("line", (line) => void (line.trim() && options.log.warn("job:stderr", `${label.job}: ${line}`)));
    const ready = new Promise<void>((resolve, reject) => {
      child.on("message", (m: JobToNode) => m.type === "ready" && resolve());
      child.once("exit", (code, signal) => reject(new Error(`the job process exited before it was ready (${signal ?? `exit code ${code}`})`)));
      child.once("error", reject);
    });
    ready.catch(() => {});
    return { child, ready, label };
  };

  return {
    take(jobId) {
      const usable = spare !== undefined && spare.child.exitCode === null && spare.child.signalCode === null;
      const next = usable ? spare! : boot();
      if (!usable) spare?.child.kill("SIGKILL");
      spare = undefined;
      next.label.job = jobId;
      // forking costs milliseconds: boot the next spare once this job has its process
      setImmediate(() => {
        if (closed || spare !== undefined) return;
        spare = boot();
        clearTimeout(idle);
        idle = setTimeout(() => {
          spare?.child.kill("SIGKILL");
          spare = undefined;
        }, SPARE_IDLE_MS);
        idle.unref();
      });
      return next;
    },
    close() {
      closed = true;
      clearTimeout(idle);
      spare?.child.kill("SIGKILL");
      spare = undefined;
    },
  };
}
