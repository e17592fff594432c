/**
 * The web tests' world: the API test facade (real SQLite store, runs executed for real in process) with the API
 * app and the dashboard mounted on it, exactly as the daemon will: `createApp(deps)` + `mountDashboard(app, deps)`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { createApp } from "../../src/api/index.ts";
import { createStoreSink } from "../../src/store/index.ts";
import { mountDashboard } from "../../src/web/index.ts";
import { createTestDaemon, type TestDaemon } from "../api/helpers.ts";
import { brokenLastGood, oceanPipeline, quick, type Lineage } from "./pipelines.ts";

export interface WebWorld extends AsyncDisposable {
  daemon: TestDaemon;
  app: Hono;
  /** Resolves once the run ended and its lineage rows are durable. */
  settled(runId: string): Promise<void>;
}

/** Broken code whose text would be markup if it were not escaped. */
export const BROKEN_DIAGNOSTIC = {
  file: "pipelines/broken.ts", line: 12, column: 5, code: "unknown_dependency", pipeline: "broken",
  path: "tasks.only.needs", message: `task "only" needs "<script>alert(1)</script>", which does not exist`,
};

export async function createWebWorld(opts: { stepMs?: number } = {}): Promise<WebWorld> {
  const reposDir = mkdtempSync(join(tmpdir(), "floe-web-repos-"));
  const lineage: Lineage = { sink: undefined, reposDir };
  const daemon = await createTestDaemon({
    pipelines: [oceanPipeline(lineage, { stepMs: opts.stepMs ?? 20 }), quick],
    invalid: [{ name: "broken", file: "pipelines/broken.ts", diagnostics: [BROKEN_DIAGNOSTIC], lastGood: brokenLastGood }],
  });
  const sink = createStoreSink(daemon.store);
  lineage.sink = sink;
  const app = createApp(daemon.deps, { host: "127.0.0.1", ssePollMs: 200 });
  mountDashboard(app, daemon.deps);
  return {
    daemon,
    app,
    async settled(runId) {
      await daemon.settled(runId);
      await sink.flush();
    },
    async [Symbol.asyncDispose]() {
      try {
        await daemon[Symbol.asyncDispose]();
      } finally {
        sink[Symbol.dispose]();
      }
      rmSync(reposDir, { recursive: true, force: true });
    },
  };
}

/** Starts a run through the API and waits for it to end. */
export async function runToEnd(world: WebWorld, pipeline: string, params: Record<string, unknown> = {}): Promise<any> {
  const res = await world.app.request(`/api/pipelines/${pipeline}/runs`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ params }),
  });
  const run = (await res.json()) as any;
  await world.settled(run.id);
  return run;
}
