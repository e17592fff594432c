/**
 * A `floe run` executing locally (its own writer) beside the daemon: a daemon starting meanwhile leaves it alone
 * while its process lives, and marks it Crashed once its process is gone.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, test } from "node:test";
import { applyRunEvents, createRun, openStore, setRunPid } from "../../src/store/index.ts";
import { makeProject, pipelineSource, startDaemon, waitRun } from "./helpers.ts";

test("a live local run is left alone; once its process is gone it is Crashed within seconds", async () => {
  const project = makeProject({ "pipelines/p.ts": pipelineSource("p", `.task("t", () => 1)`) });
  after(() => project.cleanup());
  // stands in for a `floe run` process: alive while the daemon starts
  const local = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  after(() => local.kill("SIGKILL"));
  {
    using store = openStore(join(project.stateDir, "floe.db"));
    const { run } = await createRun(store, { id: "01LOCALRUN000000000000000A", pipeline: "p", version: "v", params: {}, trigger: { kind: "manual" } });
    await applyRunEvents(store, [{ type: "run:transition", runId: run.id, from: "Pending", to: "Running", at: Date.now() }]);
    await setRunPid(store, run.id, local.pid!);
  }
  const d = await startDaemon(project);
  try {
    assert.equal((await d.get("/api/runs/01LOCALRUN000000000000000A")).state, "Running");
    local.kill("SIGKILL");
    const run = await waitRun(d, "01LOCALRUN000000000000000A", undefined, 15_000);
    assert.equal(run.state, "Crashed");
    assert.match(run.error.message, /is gone/);
  } finally {
    await d.stop();
  }
});
