/**
 * @module Running in this process with the live view and the run's final summary (or `--json` document): what
 * `floe run` does without a daemon and what `floe retry` does.
 */
import { runDocumentOf } from "../api/run-document.ts";
import type { ResolvedConfig } from "../config/index.ts";
import type { AnyPipeline } from "../dsl/pipeline.ts";
import type { PreviousTask } from "../engine/index.ts";
import type { LoadedPipeline } from "../loader/index.ts";
import { runLocally } from "../run/index.ts";
import type { RunTrigger, Store } from "../store/index.ts";
import { arraylakeSettings } from "./arraylake-settings.ts";
import { EXIT, type CliIO } from "./command.ts";
import { runSummary } from "./format-run.ts";
import { createLiveView } from "./live-view.ts";

export interface ForegroundRun {
  store: Store;
  config: ResolvedConfig;
  loaded: LoadedPipeline;
  pipeline: AnyPipeline;
  params: unknown;
  trigger: RunTrigger;
  json: boolean;
  retryOf?: string | undefined;
  /** The logical date in ms (`--at`); defaults to the creation time. */
  scheduledFor?: number | undefined;
  previous?: ReadonlyMap<string, PreviousTask> | undefined;
  /** First line once the run exists, e.g. `run <id>  hello@<version>`. */
  heading: (runId: string) => string;
}

/** Runs to the end (Ctrl-C cancels) and returns the exit code: 0 on Completed. Throws ValidationError for params. */
export async function runInForeground(io: CliIO, r: ForegroundRun): Promise<number> {
  const live = r.json ? undefined : createLiveView(io, r.loaded.plan.tasks.map((t) => t.name));
  const cancel = new AbortController();
  const onSigint = (): void => cancel.abort(new Error("cancelled from the terminal (Ctrl-C)"));
  process.once("SIGINT", onSigint);
  try {
    const { run } = await runLocally({
      store: r.store,
      pipeline: r.pipeline,
      plan: r.loaded.plan,
      file: r.loaded.file,
      params: r.params,
      trigger: r.trigger,
      retryOf: r.retryOf,
      scheduledFor: r.scheduledFor,
      previous: r.previous,
      concurrency: r.config.concurrency.tasksPerRun,
      pools: r.config.concurrency.pools,
      arraylake: arraylakeSettings(r.config),
      signal: cancel.signal,
      onCreated: (id) => !r.json && io.stdout(`${r.heading(id)}\n`),
      onEvent: live?.onEvent,
    });
    live?.finish();
    io.stdout(r.json ? `${JSON.stringify(runDocumentOf(run), null, 2)}\n` : runSummary(run));
    return run.state === "Completed" ? EXIT.ok : EXIT.failed;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
