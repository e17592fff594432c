/**
 * @module `floe run` beside a daemon: submit the run to the daemon serving the state folder and follow its
 * progress over the API's event stream. Ctrl-C asks the daemon to cancel the run and keeps following to the end.
 */
import { runDocument } from "../api/run-document.ts";
import { cancelViaDaemon, daemonUrl, followRun, getRunFromDaemon, submitToDaemon } from "../daemon/client.ts";
import { EXIT, type CliIO } from "./command.ts";
import { createLiveView } from "./live-view.ts";
import { treeOrder } from "./format-run.ts";

export interface DaemonRunInput {
  stateDir: string;
  pipeline: string;
  params: Record<string, unknown>;
  /** ISO 8601 logical date (`--at`). */
  scheduledFor?: string | undefined;
  taskNames: readonly string[];
  json: boolean;
}

/** The exit code, or undefined when no daemon serves the state folder (the caller runs locally). */
export async function runViaDaemon(io: CliIO, input: DaemonRunInput): Promise<number | undefined> {
  const submitted = await submitToDaemon(input.stateDir, { pipeline: input.pipeline, params: input.params, scheduledFor: input.scheduledFor }, io.env);
  if (!submitted) return undefined;
  if (!input.json) io.stdout(`run ${submitted.id}  ${submitted.pipeline}@${submitted.version}  (daemon ${daemonUrl(input.stateDir) ?? ""})\n`);
  const live = input.json ? undefined : createLiveView(io, input.taskNames);
  const onSigint = (): void => {
    io.stderr("cancelling...\n");
    cancelViaDaemon(input.stateDir, submitted.id, io.env).catch(() => {});
  };
  process.on("SIGINT", onSigint);
  try {
    for await (const e of followRun(input.stateDir, submitted.id, { env: io.env })) {
      if (e.event !== "transition" || typeof e.data.task !== "string") continue;
      live?.onTaskChange({
        task: e.data.task,
        state: String(e.data.to),
        attempt: Number(e.data.attempt ?? 1),
        at: Date.parse(String(e.data.at)),
        note: typeof e.data.reason === "string" && e.data.reason !== "" ? e.data.reason : undefined,
      });
    }
  } finally {
    process.off("SIGINT", onSigint);
    live?.finish();
  }
  const run = await getRunFromDaemon(input.stateDir, submitted.id, io.env);
  if (!run) {
    io.stderr(`floe run: lost contact with the daemon; see \`floe show ${submitted.id}\`\n`);
    return EXIT.failed;
  }
  const doc = runDocument(run);
  if (input.json) io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
  else {
    io.stdout(`run ${doc.id}  ${doc.pipeline}@${doc.version}  ${doc.state}\n`);
    for (const t of treeOrder(doc.tasks, (t) => t.name)) io.stdout(`  ${t.name.padEnd(24)} ${t.state.padEnd(13)}${t.error ? `  ${t.error.message.split("\n")[0]}` : ""}\n`);
  }
  return doc.state === "Completed" ? EXIT.ok : EXIT.failed;
}
