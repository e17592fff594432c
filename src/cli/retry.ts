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

export const retryCommand: Command = {
  name: "retry",
  summary: "re-run what did not complete in a run, reusing completed results",
  usage: "Usage: floe retry <run-id> [--json]\n\nExit 0 when the new run Completed, 1 otherwise.",
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } }, { min: 1, max: 1, names: "<run-id>" });
    const { config, store } = await openState(io);
    await using _ = store;
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
