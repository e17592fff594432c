/** @module `floe runs`: recent runs, newest first, filtered by pipeline and state. */
import { runSummaryDocumentOf } from "../api/run-document.ts";
import { RUN_STATES, type RunState } from "../core/states.ts";
import { listRuns } from "../store/index.ts";
import { parseCommandArgs, positiveInt } from "./args.ts";
import { EXIT, UsageError, type Command } from "./command.ts";
import { RUN_HEADER, runLine } from "./format-run.ts";
import { openStateIfAny } from "./open-state.ts";

export const runsCommand: Command = {
  name: "runs",
  summary: "list recent runs",
  usage: `Usage: floe runs [--pipeline P] [--state S] [--limit N] [--json]\n\nStates: ${RUN_STATES.join(", ")}`,
  async run(argv, io) {
    const { values } = parseCommandArgs(
      argv,
      { pipeline: { type: "string" }, state: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } },
      { min: 0, max: 0, names: "" },
    );
    if (values.state !== undefined && !RUN_STATES.includes(values.state as RunState)) {
      throw new UsageError(`--state must be one of ${RUN_STATES.join(", ")}; got "${values.state}"`);
    }
    const limit = positiveInt(values.limit, "limit", 20);
    const state = await openStateIfAny(io);
    await using _ = state?.store;
    const page = state
      ? await listRuns(state.store, { pipeline: values.pipeline, state: values.state as RunState | undefined, limit })
      : { items: [] };
    if (values.json) io.stdout(`${JSON.stringify(page.items.map(runSummaryDocumentOf), null, 2)}\n`);
    else if (page.items.length === 0) io.stdout(state ? "no runs match\n" : "no runs yet\n");
    else {
      io.stdout(`${RUN_HEADER}\n`);
      for (const run of page.items) io.stdout(`${runLine(run)}\n`);
    }
    return EXIT.ok;
  },
};
