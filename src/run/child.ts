/**
 * @module The run process entry (forked by the supervisor with `--import tsx`): started warm, it waits for one
 * {@link RunAssignment}, imports that version's snapshot module, executes the run and streams its events to the
 * daemon, then exits. It never opens the database. If the daemon goes away, it stops at once: a run never goes
 * on unsupervised.
 */
import { systemClock } from "../core/clock.ts";
import { toErrorInfo } from "../core/errors.ts";
import type { CacheHit } from "../store/index.ts";
import { captureConsole } from "./console-capture.ts";
import { createIpcChildRunner } from "./ipc-children.ts";
import { createIpcJobRunner } from "./distribute.ts";
import { createIpcPoolGate } from "./ipc-pools.ts";
import { createIpcSink } from "./ipc-sink.ts";
import type { DaemonToRun, RunAssignment, RunToDaemon } from "./protocol.ts";
import { executeAssignment } from "./execute-assignment.ts";

const send = (message: RunToDaemon): Promise<void> =>
  new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });

// Without its daemon a run has nobody to record it: exit (the next daemon marks the run Crashed or resumes it).
process.on("disconnect", () => process.exit(70));

const controller = new AbortController();
const sink = createIpcSink((m) => void send(m));
const pools = createIpcPoolGate((m) => void send(m));
const childRuns = createIpcChildRunner((m) => void send(m));
const jobs = createIpcJobRunner((m) => void send(m));
let started = false;
let cacheIds = 0;
const cacheWaiters = new Map<number, (hit: CacheHit | undefined) => void>();
const cacheSource = (task: string, cacheKey: string, maxAgeMs?: number): Promise<CacheHit | undefined> =>
  new Promise((resolve) => {
    const id = ++cacheIds;
    cacheWaiters.set(id, resolve);
    void send({ type: "cache", id, task, cacheKey, maxAgeMs });
  });

async function run(assignment: RunAssignment): Promise<void> {
  const heartbeat = setInterval(() => void send({ type: "heartbeat", at: Date.now() }), assignment.heartbeatMs);
  const capture = captureConsole(assignment.runId, (e) => sink.emit(e), () => systemClock.now());
  let state = "Crashed";
  let error;
  try {
    const outcome = await executeAssignment(assignment, {
      sink, pools, cacheSource, childRuns, jobs, signal: controller.signal, clock: systemClock, wrapTasks: capture.wrapTasks,
    });
    state = outcome.state;
    error = outcome.error;
  } catch (caught) {
    state = "Failed";
    error = toErrorInfo(caught);
  } finally {
    capture.restore();
    clearInterval(heartbeat);
  }
  await sink.flush();
  await send({ type: "done", state, ...(error ? { error } : {}) });
  process.exit(0);
}

process.on("message", (message: DaemonToRun) => {
  switch (message.type) {
    case "start":
      if (started) return;
      started = true;
      void run(message.assignment);
      return;
    case "cancel":
      controller.abort(new Error(message.reason));
      return;
    case "ack":
      sink.acked(message.seq);
      return;
    case "cached":
      cacheWaiters.get(message.id)?.(message.resultJson === undefined ? undefined : { resultJson: message.resultJson, reads: message.reads ?? [] });
      cacheWaiters.delete(message.id);
      return;
    case "granted":
      pools.granted(message.id);
      return;
    case "denied":
      pools.denied(message.id, message.message);
      return;
    case "childStarted":
      childRuns.started(message.id, message.runId);
      return;
    case "childEnded":
      childRuns.ended(message.id, message.reply);
      return;
    case "childRefused":
      childRuns.refused(message.id, message.message);
      return;
    case "jobEnded":
      jobs.ended(message.id, message.outcome);
  }
});

// Import the heavy parts now, so a run assigned to this warm process starts without that cost.
await import("./execute-assignment.ts");
await send({ type: "ready", pid: process.pid });
