/**
 * @module `floe run` and `floe retry` on a machine with no daemon but a shared PostgreSQL database
 * (`FLOE_DATABASE_URL`): the run is created Pending on the pipeline's active version, exactly as the API creates it
 * (src/run/submission.ts; the version's params schema comes from its bundle, so no pipeline is loaded here), the
 * insert wakes the workers (NOTIFY), and the run is followed in the database to its end.
 */
import { runDocumentOf } from "../api/run-document.ts";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import { isTerminalRunState } from "../core/states.ts";
import type { PortableManifest } from "../daemon/bundle-format.ts";
import { bundledManifest } from "../daemon/version-bundles.ts";
import { NODE_ALIVE_MS, createRun, getPipeline, getRun, listNodes, type CreateRunInput, type RunDetail, type Store } from "../store/index.ts";
import { EXIT, type CliIO } from "./command.ts";
import { runSummary } from "./format-run.ts";
import { createLiveView } from "./live-view.ts";

/** The manifest of a pipeline's active version, as the nodes that loaded it published it. */
export async function activeManifest(store: Store, pipeline: string): Promise<PortableManifest> {
  const entry = await getPipeline(store, pipeline);
  if (!entry) throw new NotFoundError("pipeline", pipeline); // no node loaded it into this database
  if (!entry.activeVersion) throw new ConflictError(`pipeline "${pipeline}" has no valid version (see floe validate on the node that loads it)`);
  return bundledManifest(store, pipeline, entry.activeVersion);
}

/** Whether a node that executes runs (role worker or all) has a recent heartbeat. */
async function workerAlive(store: Store, now: number): Promise<boolean> {
  return (await listNodes(store)).some((n) => (n.role === "worker" || n.role === "all") && now - n.heartbeatAt < NODE_ALIVE_MS);
}

export interface DatabaseRun {
  store: Store;
  input: CreateRunInput;
  taskNames: readonly string[];
  json: boolean;
  /** The command's name for messages (`run`, `retry`). */
  command: string;
  /** Asks for the run to stop (Ctrl-C). */
  cancel(runId: string): Promise<void>;
  pollMs?: number;
}

/** Creates the run, follows it to its end (Ctrl-C asks to cancel it and keeps following) and returns the exit code. */
export async function runThroughDatabase(io: CliIO, r: DatabaseRun): Promise<number> {
  const { run } = await createRun(r.store, { ...r.input, createdAt: Date.now() });
  if (!r.json) io.stdout(`run ${run.id}  ${run.pipeline}@${run.version}  (queued in ${r.store.path})\n`);
  if (!(await workerAlive(r.store, Date.now()))) {
    io.stderr(`floe ${r.command}: no worker node is alive on this database: the run waits Pending until one starts (floe start --role worker)\n`);
  }
  const live = r.json ? undefined : createLiveView(io, r.taskNames);
  const seen = new Map<string, string>();
  const onSigint = (): void => {
    io.stderr("cancelling...\n");
    r.cancel(run.id).catch((e: unknown) => io.stderr(`floe ${r.command}: ${(e as Error)?.message ?? String(e)}\n`));
  };
  process.on("SIGINT", onSigint);
  let end: RunDetail | undefined;
  try {
    while (!end) {
      const now = await getRun(r.store, run.id);
      if (!now) throw new NotFoundError("run", run.id);
      for (const t of now.tasks) {
        const key = `${t.state}/${t.attempts}`;
        if (seen.get(t.task) === key) continue;
        seen.set(t.task, key);
        live?.onTaskChange({ task: t.task, state: t.state, attempt: Math.max(1, t.attempts), at: Date.now(), note: t.error?.message });
      }
      if (isTerminalRunState(now.state)) end = now;
      else await new Promise((resolve) => setTimeout(resolve, r.pollMs ?? 250));
    }
  } finally {
    process.off("SIGINT", onSigint);
    live?.finish();
  }
  io.stdout(r.json ? `${JSON.stringify(runDocumentOf(end), null, 2)}\n` : runSummary(end));
  return end.state === "Completed" ? EXIT.ok : EXIT.failed;
}
