/** @module `floe show <run-id>`: one run with its tasks (states, attempts, timings, errors). */
import { runDocumentOf } from "../api/run-document.ts";
import { getRunSnapshots } from "../store/index.ts";
import { parseCommandArgs } from "./args.ts";
import { EXIT, type Command } from "./command.ts";
import { runSummary } from "./format-run.ts";
import { openState, requireRun } from "./open-state.ts";

export const showCommand: Command = {
  name: "show",
  summary: "show one run: tasks, attempts, errors, snapshots read and commits",
  usage: "Usage: floe show <run-id> [--json]",
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } }, { min: 1, max: 1, names: "<run-id>" });
    const { store } = await openState(io);
    await using _ = store;
    const run = await requireRun(store, positionals[0]!);
    const { reads, commits } = await getRunSnapshots(store, run.id);
    if (values.json) {
      io.stdout(`${JSON.stringify({ ...runDocumentOf(run), reads, commits }, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout(runSummary(run));
    io.stdout(`  params: ${JSON.stringify(run.params)}\n`);
    for (const r of reads) io.stdout(`  read   ${r.repo}@${r.branch ?? r.tag ?? "snapshot"} ${r.snapshotId}  (${r.task ?? "-"})\n`);
    for (const c of commits) io.stdout(`  commit ${c.repo}@${c.branch} ${c.snapshotId}  "${c.message}"  (${c.task ?? "-"})\n`);
    return EXIT.ok;
  },
};
