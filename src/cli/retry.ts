/**
 * @module `floe retry <run-id>`: a new run with the same params that re-runs only the tasks that did not
 * complete; completed results are reused (reported Cached).
 */
import { ValidationError } from "../core/errors.ts";
import { previousTasks } from "../run/index.ts";
import { parseCommandArgs } from "./args.ts";
import { EXIT, type Command } from "./command.ts";
import { findPipeline } from "./find-pipeline.ts";
import { runInForeground } from "./local-run.ts";
import { openState, requireRun } from "./open-state.ts";
import type { PortableManifest } from "../daemon/bundle-format.ts";
import { daemonUrl } from "../daemon/client.ts";
import { retryInput } from "../run/submission.ts";
import { getRun } from "../store/index.ts";
import { cancelThroughDatabase } from "./cancel.ts";
import { activeManifest, runThroughDatabase } from "./database-run.ts";

export const retryCommand: Command = {
  name: "retry",
  summary: "re-run what did not complete in a run, reusing completed results",
  usage: [
    "Usage: floe retry <run-id> [--json] [--local]",
    "",
    "Runs in this process; with no daemon here but FLOE_DATABASE_URL, the retry is queued for the cluster's workers on",
    "the pipeline's active version (--local: run it in this process anyway). Exit 0 when the new run Completed, 1 otherwise.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" }, local: { type: "boolean" } }, { min: 1, max: 1, names: "<run-id>" });
    const { config, store } = await openState(io);
    await using _ = store;
    if (!values.local && config.databaseUrl && !daemonUrl(config.stateDir)) {
      // no daemon here, a shared database: the retry is queued for the cluster's workers, as the API queues it
      const old = await getRun(store, positionals[0]!);
      let manifest: PortableManifest | undefined;
      const input = await retryInput(positionals[0]!, old, async (p) => (manifest = await activeManifest(store, p)).version);
      if (old && input.version !== old.version && !values.json) {
        io.stderr(`note: ${old.pipeline} changed since run ${old.id} (version ${old.version} -> ${input.version}); the retry runs the current code\n`);
      }
      const taskNames = manifest!.plan.tasks.map((t) => t.name);
      return await runThroughDatabase(io, { store, input, taskNames, json: values.json ?? false, command: "retry", cancel: (id) => cancelThroughDatabase(store, id) });
    }
    const original = await requireRun(store, positionals[0]!);
    const found = await findPipeline(config, original.pipeline, io, "retry");
    if (!found) return EXIT.failed;
    const { loaded, pipeline } = found;
    if (loaded.version !== original.version && !values.json) {
      io.stderr(`note: ${original.pipeline} changed since run ${original.id} (version ${original.version} -> ${loaded.version}); the retry runs the current code\n`);
    }
    try {
      return await runInForeground(io, {
        store,
        config,
        loaded,
        pipeline,
        params: original.params,
        trigger: { kind: "retry", detail: { of: original.id } },
        retryOf: original.id,
        previous: previousTasks(original),
        json: values.json ?? false,
        heading: (id) => `run ${id}  retry of ${original.id}`,
      });
    } catch (error) {
      if (error instanceof ValidationError) {
        io.stderr(`floe retry: the original params no longer validate\n${error.message}\n`);
        return EXIT.failed;
      }
      throw error;
    }
  },
};
