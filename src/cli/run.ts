/**
 * @module `floe run <pipeline>`: run now, in the foreground, with a live view; exit 0 on Completed, 1 otherwise.
 * Runs in this process and records into the state folder's database.
 */
import { loadConfig } from "../config/index.ts";
import { ValidationError } from "../core/errors.ts";
import { runLocally } from "../runner/index.ts";
import { openStore } from "../store/index.ts";
import { parseCommandArgs } from "./args.ts";
import { arraylakeSettings } from "./arraylake-settings.ts";
import { EXIT, type Command } from "./command.ts";
import { runDocument, runSummary } from "./format-run.ts";
import { createLiveView } from "./live-view.ts";
import { findPipeline } from "./find-pipeline.ts";
import { parseParamFlags } from "./params.ts";

export const runCommand: Command = {
  name: "run",
  summary: "run a pipeline now, in the foreground",
  usage: [
    "Usage: floe run <pipeline> [--param key=value ...] [--params-json JSON] [--json]",
    "",
    "  --param key=value   a param (repeatable; nested keys with dots: --param grid.res=1)",
    "  --params-json JSON  all params as one JSON object (--param values win)",
    "  --json              print the finished run as one JSON document",
    "",
    "Exit 0 when the run Completed, 1 otherwise (invalid params, failed run, ...).",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { param: { type: "string", multiple: true }, "params-json": { type: "string" }, json: { type: "boolean" } },
      { min: 1, max: 1, names: "<pipeline>" },
    );
    const name = positionals[0]!;
    const config = await loadConfig(io.cwd, io.env);
    const found = await findPipeline(config, name, io, "run");
    if (!found) return EXIT.failed;
    const { loaded, pipeline } = found;
    const params = parseParamFlags(values.param ?? [], values["params-json"], loaded.paramsSchema);

    using store = openStore(config.dbPath);
    const live = values.json ? undefined : createLiveView(io, loaded.plan.tasks.map((t) => t.name));
    const cancel = new AbortController();
    const onSigint = (): void => cancel.abort(new Error("cancelled from the terminal (Ctrl-C)"));
    process.once("SIGINT", onSigint);
    try {
      const { run } = await runLocally({
        store,
        pipeline,
        plan: loaded.plan,
        file: loaded.file,
        params,
        trigger: { kind: "manual", detail: { via: "cli" } },
        concurrency: config.concurrency.tasksPerRun,
        pools: config.concurrency.pools,
        arraylake: arraylakeSettings(config),
        signal: cancel.signal,
        onCreated: (id) => !values.json && io.stdout(`run ${id}  ${name}@${loaded.version}\n`),
        onEvent: live?.onEvent,
      });
      live?.finish();
      io.stdout(values.json ? `${JSON.stringify(runDocument(run), null, 2)}\n` : runSummary(run));
      return run.state === "Completed" ? EXIT.ok : EXIT.failed;
    } catch (error) {
      if (error instanceof ValidationError) {
        io.stderr(`floe run: invalid params for "${name}"\n`);
        for (const d of error.diagnostics) io.stderr(`  ${d.path}: ${d.message}\n`);
        return EXIT.failed;
      }
      throw error;
    } finally {
      process.off("SIGINT", onSigint);
    }
  },
};
