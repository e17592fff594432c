/**
 * @module The supervisor of run processes: one child per run (forked with tsx), one warm spare kept ready so a
 * run starts without the start-up cost, heartbeats watched, cancel/timeout by AbortSignal then SIGKILL after a
 * grace period. It reports what children say and how they end; the run manager decides what that means.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { DaemonToRun, RunAssignment, RunToDaemon } from "../run/protocol.ts";
import { isRunToDaemon, RUN_CHILD_ENTRY } from "../run/protocol.ts";
import { withHugePages } from "../core/huge-pages.ts";

// floe's own tsx (a project folder need not have it), on the main thread only: Icechunk's worker threads need none.
const TSX = import.meta.resolve("../core/register-tsx.mjs");

export interface RunExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the child said in its `done` message, if it got that far. */
  done?: Extract<RunToDaemon, { type: "done" }> | undefined;
  /** Why the supervisor killed it, if it did. */
  killedFor?: string | undefined;
  /** Why a cancel was asked for, if it was. */
  cancelRequested?: string | undefined;
}

export interface SupervisorHooks {
  onMessage(runId: string, message: RunToDaemon, reply: (m: DaemonToRun) => void): void;
  onOutput(runId: string, stream: "stdout" | "stderr", line: string): void;
  onExit(runId: string, exit: RunExit): void;
}

export interface SupervisorOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  heartbeatMs: number;
  /** A child silent this long is killed (a task blocking the event loop forever). */
  staleAfterMs: number;
  hooks: SupervisorHooks;
}

interface Child {
  process: ChildProcess;
  ready: Promise<number>;
}

export interface RunHandle {
  runId: string;
  pid: number | undefined;
  lastSeen: number;
  cancelRequested: string | undefined;
  killTimer: NodeJS.Timeout | undefined;
  killedFor: string | undefined;
  process: ChildProcess;
  done?: Extract<RunToDaemon, { type: "done" }> | undefined;
}

export interface Supervisor {
  start(assignment: RunAssignment): Promise<RunHandle>;
  /** Aborts the run's signal; SIGKILL after `graceMs` if it is still there. */
  cancel(runId: string, reason: string, graceMs: number): boolean;
  kill(runId: string, reason: string): void;
  running(): RunHandle[];
  close(): Promise<void>;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const handles = new Map<string, RunHandle>();
  let spare: Child | undefined;
  let closed = false;

  const spawnChild = (): Child => {
    const child = fork(RUN_CHILD_ENTRY, [], {
      cwd: options.cwd,
      // Run processes compute on arrays: large buffers on huge pages (see core/huge-pages.ts).
      env: withHugePages(options.env),
      execArgv: ["--import", TSX, "--no-warnings"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "advanced",
    });
    const ready = new Promise<number>((resolve, reject) => {
      const onMessage = (m: unknown): void => {
        if (isRunToDaemon(m) && m.type === "ready") {
          child.off("message", onMessage);
          resolve(m.pid);
        }
      };
      child.on("message", onMessage);
      child.once("exit", (code, signal) => reject(new Error(`run process exited before ready (${signal ?? code})`)));
      child.once("error", reject);
    });
    ready.catch(() => {});
    return { process: child, ready };
  };

  const take = (): Child => {
    const next = spare && spare.process.exitCode === null && spare.process.signalCode === null ? spare : spawnChild();
    spare = undefined;
    // fork() costs milliseconds: boot the next spare after this run has its assignment
    setImmediate(() => {
      if (!closed && spare === undefined) spare = spawnChild();
    });
    return next;
  };

  spare = spawnChild();

  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const h of handles.values()) {
      if (now - h.lastSeen > options.staleAfterMs) kill(h.runId, `no heartbeat for ${Math.round((now - h.lastSeen) / 1000)} s`);
    }
  }, Math.max(250, options.heartbeatMs));
  watchdog.unref();

  function kill(runId: string, reason: string): void {
    const h = handles.get(runId);
    if (!h) return;
    h.killedFor ??= reason;
    h.process.kill("SIGKILL");
  }

  async function start(assignment: RunAssignment): Promise<RunHandle> {
    const child = take();
    const handle: RunHandle = {
      runId: assignment.runId, pid: child.process.pid, lastSeen: Date.now(), cancelRequested: undefined,
      killTimer: undefined, killedFor: undefined, process: child.process,
    };
    handles.set(assignment.runId, handle);
    const reply = (m: DaemonToRun): void => {
      if (child.process.connected) child.process.send(m);
    };
    child.process.on("message", (m: unknown) => {
      if (!isRunToDaemon(m)) return;
      handle.lastSeen = Date.now();
      if (m.type === "done") handle.done = m;
      try {
        options.hooks.onMessage(assignment.runId, m, reply);
      } catch (error) {
        // a bad message from one run process must not take the daemon down: end that run instead
        kill(assignment.runId, `the daemon could not handle its message: ${(error as Error)?.message ?? String(error)}`);
      }
    });
    for (const stream of ["stdout", "stderr"] as const) {
      const readable = child.process[stream];
      if (readable) createInterface({ input: readable }).on("line", (line) => options.hooks.onOutput(assignment.runId, stream, line));
    }
    // 'close' comes after the IPC channel drained, so every event the child sent has been handled
    child.process.once("close", (code, signal) => {
      clearTimeout(handle.killTimer);
      handles.delete(assignment.runId);
      options.hooks.onExit(assignment.runId, { code, signal, done: handle.done, killedFor: handle.killedFor, cancelRequested: handle.cancelRequested });
    });
    try {
      await child.ready;
    } catch {
      // the close handler reports it
      return handle;
    }
    handle.lastSeen = Date.now();
    reply({ type: "start", assignment });
    return handle;
  }

  return {
    start,
    cancel(runId, reason, graceMs) {
      const h = handles.get(runId);
      if (!h) return false;
      h.cancelRequested ??= reason;
      if (h.process.connected) h.process.send({ type: "cancel", reason } satisfies DaemonToRun);
      h.killTimer ??= setTimeout(() => kill(runId, `${reason}; killed after a ${graceMs} ms grace period`), graceMs);
      return true;
    },
    kill,
    running: () => [...handles.values()],
    async close() {
      closed = true;
      clearInterval(watchdog);
      spare?.process.kill("SIGKILL");
      spare = undefined;
      const waits = [...handles.values()].map(
        (h) => new Promise<void>((resolve) => (h.process.exitCode !== null || h.process.signalCode !== null ? resolve() : h.process.once("close", () => resolve()))),
      );
      for (const h of handles.values()) h.process.kill("SIGKILL");
      await Promise.all(waits);
    },
  };
}

