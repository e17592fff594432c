/**
 * @module `floe/testing`: run a pipeline in this process against a temporary state folder, with an injectable
 * clock, and get the run record back. What users call in their own tests; floe's own tests use it too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunDocument } from "../../schemas/run-document.ts";
import { runDocumentOf } from "../api/run-document.ts";
import type { Clock } from "../core/clock.ts";
import { ValidationError } from "../core/errors.ts";
import type { AnyPipeline } from "../dsl/pipeline.ts";
import { validatePipeline } from "../dsl/validate.ts";
import type { RunOutcome, PreviousTask } from "../engine/index.ts";
import { collectSources } from "../loader/sources.ts";
import { planPipeline, type Plan } from "../plan/index.ts";
import { previousTasks, runLocally, type ArraylakeSettings } from "../run/index.ts";
import { DEFAULTS } from "../config/resolve.ts";
import { getLogs, openStore, type LogRecord, type RunDetail, type Store } from "../store/index.ts";

export interface TestRunOptions {
  params?: unknown;
  clock?: Clock;
  signal?: AbortSignal;
  concurrency?: number;
  pools?: Record<string, number>;
  /** Re-run only what did not complete in this earlier run (like `floe retry`). */
  retryOf?: RunDetail;
  /** `task` is undefined for a pipeline hook's client. */
  arraylakeFor?: (task: string | undefined, runId: string) => unknown;
}

export interface TestEnvironmentOptions {
  stateDir?: string;
  /** Where `ctx.arraylake` keeps repositories; default `<stateDir>/arraylake`, always local in tests. */
  localReposDir?: string;
}

export interface TestRun {
  run: RunDetail;
  state: RunDetail["state"];
  /** In-memory results of Completed/Cached tasks, by task key. */
  results: Record<string, unknown>;
  logs: LogRecord[];
  outcome: RunOutcome;
  /** The run as `floe run --json` prints it (`schemas/run-document.ts`). */
  document: RunDocument;
}

export interface TestEnvironment extends AsyncDisposable {
  stateDir: string;
  /** Where the runs' `ctx.arraylake` keeps its local repositories. */
  localReposDir: string;
  store: Store;
  run(pipeline: AnyPipeline, options?: TestRunOptions): Promise<TestRun>;
}

/** Validates and plans a pipeline in process; throws ValidationError with diagnostics. */
export function planForTest(pipeline: AnyPipeline): Plan {
  const checked = validatePipeline(pipeline);
  if (!checked.ok) throw new ValidationError(checked.diagnostics);
  const file = pipeline.location.file ?? "(unknown)";
  const planned = planPipeline(checked.spec, { file, contents: collectSources(file), locations: checked.locations });
  if (!planned.ok) throw new ValidationError(planned.diagnostics);
  return planned.plan;
}

/**
 * @example
 * await using env = createTestEnvironment();
 * const { state, results } = await env.run(myPipeline, { params: { n: 3 } });
 * assert.equal(state, "Completed");
 */
export function createTestEnvironment(options: TestEnvironmentOptions = {}): TestEnvironment {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "floe-test-"));
  const store = openStore(join(stateDir, "floe.db"));
  const arraylake: ArraylakeSettings = {
    localReposDir: options.localReposDir ?? join(stateDir, "arraylake"),
    serviceUri: DEFAULTS.serviceUri,
    cwd: process.cwd(),
    token: null,
  };
  return {
    stateDir,
    localReposDir: arraylake.localReposDir,
    store,
    async run(pipeline, opts = {}) {
      const plan = planForTest(pipeline);
      const previous: ReadonlyMap<string, PreviousTask> | undefined = opts.retryOf ? previousTasks(opts.retryOf) : undefined;
      const { run, outcome } = await runLocally({
        store,
        pipeline,
        plan,
        file: pipeline.location.file ?? "(unknown)",
        params: opts.params ?? {},
        trigger: opts.retryOf ? { kind: "retry", detail: { of: opts.retryOf.id } } : { kind: "manual", detail: { via: "test" } },
        retryOf: opts.retryOf?.id,
        previous,
        concurrency: opts.concurrency ?? 16,
        pools: opts.pools,
        clock: opts.clock,
        signal: opts.signal,
        arraylake,
        arraylakeFor: opts.arraylakeFor,
      });
      const results: Record<string, unknown> = {};
      for (const [key, t] of outcome.tasks) if (t.state === "Completed" || t.state === "Cached") results[key] = t.result;
      return { run, state: run.state, results, logs: await getLogs(store, run.id, { limit: 10_000 }), outcome, document: runDocumentOf(run) };
    },
    async [Symbol.asyncDispose]() {
      await store.close();
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** One run in a fresh temporary state folder, removed afterwards. */
export async function runPipeline(pipeline: AnyPipeline, options: TestRunOptions = {}): Promise<TestRun> {
  await using env = createTestEnvironment();
  return await env.run(pipeline, options);
}
