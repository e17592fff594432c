/**
 * @module The task job process entry (forked by a node's job worker with `--import tsx`): it waits for one
 * {@link JobAssignment}, runs that one task on its input, sends the outcome and exits. It never opens the
 * database; without its node it exits (the job's lease expires and another worker claims it). The task's
 * `ctx.runPipeline` asks the node over the same channel, as a run process does.
 */
import { createIpcChildRunner } from "./ipc-children.ts";
import type { JobToNode, NodeToJob } from "./protocol.ts";

const send = (message: JobToNode): Promise<void> =>
  new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });

process.on("disconnect", () => process.exit(70));

const controller = new AbortController();
const childRuns = createIpcChildRunner((m) => void send(m));
let started = false;

process.on("message", (message: NodeToJob) => {
  if (message.type === "cancel") return controller.abort(new Error(message.reason));
  if (message.type === "childStarted") return childRuns.started(message.id, message.runId);
  if (message.type === "childEnded") return childRuns.ended(message.id, message.reply);
  if (message.type === "childRefused") return childRuns.refused(message.id, message.message);
  if (message.type !== "start" || started) return;
  started = true;
  void (async () => {
    const { executeJob } = await import("./execute-job.ts");
    const outcome = await executeJob(message.assignment, controller.signal, childRuns);
    await send({ type: "done", outcome });
    process.exit(0);
  })();
});

// Load the heavy parts now, so an assignment starts without that cost.
await import("./execute-job.ts");
await send({ type: "ready" });
