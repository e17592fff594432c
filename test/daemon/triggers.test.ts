/**
 * Data triggers on a real daemon with real local Icechunk repositories: a commit made by a separate process starts
 * exactly one run with its snapshot in ctx.trigger; a burst of 50 commits coalesces (latest), a burst with `all`
 * starts one run per commit in order; `path` filters by what a commit changed; a missing repository is a load-time
 * diagnostic; a pipeline's own commits do not retrigger it; onRunEnd chains pipelines; a restart neither loses nor
 * repeats a commit.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { makeProject, startDaemon, waitFor, waitRun, TERMINAL, type RunningDaemon } from "./helpers.ts";

const COMMITTER = `import { Client } from "floe/arraylake";
import * as zarr from "zarrita";
const [name, n, group] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const client = new Client({ localReposDir: process.env.REPOS });
const repo = await client.getOrCreateRepo(name);
const ids = [];
for (let i = 0; i < n; i++) {
  const session = await repo.writableSession("main");
  const root = zarr.root(session.store);
  if (group) await zarr.create(root.resolve(group), { attributes: { i } });
  await zarr.create(root.resolve((group ? group + "/" : "") + "a" + Date.now() + "_" + i), { shape: [1], chunkShape: [1], dtype: "float32" });
  ids.push(await session.commit("commit " + i));
}
console.log(JSON.stringify(ids));
client.close();
`;

const REACT = `import { pipeline } from "floe";
export default pipeline({ name: "react", triggers: [{ onCommit: { repo: "acme/raw", branch: "main" } }] })
  .task("seen", async (_, ctx) => { await new Promise((r) => setTimeout(r, 300)); return ctx.trigger; });
`;
const CHAINED = `import { pipeline } from "floe";
export default pipeline({ name: "chained", triggers: [{ onRunEnd: { pipeline: "react", states: ["Completed"] } }] })
  .task("upstream", (_, ctx) => ctx.trigger.detail);
`;
const SELF = `import { pipeline } from "floe";
import * as zarr from "zarrita";
export default pipeline({ name: "self", triggers: [{ onCommit: { repo: "acme/own", branch: "main" } }] })
  .task("write", async (_, ctx) => {
    const repo = await ctx.arraylake.getRepo("acme/own");
    const session = await repo.writableSession("main");
    await zarr.create(zarr.root(session.store).resolve("self" + Date.now()), { shape: [1], chunkShape: [1], dtype: "float32" });
    return session.commit("the pipeline's own commit");
  });
`;

const EVERY = `import { pipeline } from "floe";
export default pipeline({ name: "every", triggers: [{ onCommit: { repo: "acme/burst", branch: "main", coalesce: "all" } }] })
  .task("seen", (_, ctx) => ctx.trigger.detail.snapshotId);
`;
const FILTERED = `import { pipeline } from "floe";
export default pipeline({ name: "filtered", triggers: [{ onCommit: { repo: "acme/raw", branch: "main", path: "inputs" } }] })
  .task("seen", (_, ctx) => ctx.trigger.detail.snapshotId);
`;
const GHOST = `import { pipeline } from "floe";
export default pipeline({
  name: "ghost",
  triggers: [{ onRunEnd: { pipeline: "nobody" } }, { onCommit: { repo: "acme/nowhere", branch: "main" } }],
}).task("t", () => 1);
`;

const project = makeProject({
  "commit.mts": COMMITTER, "pipelines/react.ts": REACT, "pipelines/chained.ts": CHAINED, "pipelines/self.ts": SELF,
  "pipelines/every.ts": EVERY, "pipelines/filtered.ts": FILTERED, "pipelines/ghost.ts": GHOST,
});
let d: RunningDaemon;

function commit(repo: string, n: number, group?: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", "--no-warnings", "commit.mts", repo, String(n), ...(group ? [group] : [])], {
      cwd: project.dir, env: { ...process.env, REPOS: join(project.stateDir, "arraylake") }, stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    proc.stdout.on("data", (b: Buffer) => (out += b.toString()));
    proc.stderr.on("data", (b: Buffer) => (err += b.toString()));
    proc.once("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!) as string[]) : reject(new Error(`committer exited ${code}: ${err}`))));
  });
}

const runsOf = async (pipeline: string): Promise<any[]> => ((await d.get(`/api/runs?pipeline=${pipeline}&limit=200`)).items as any[]).reverse();
const settle = (pipeline: string) =>
  waitFor(async () => {
    const runs = await runsOf(pipeline);
    return runs.every((r) => TERMINAL.includes(r.state)) ? runs : undefined;
  }, 60_000, `${pipeline} runs to end`);
const watching = (pipeline: string) => d.waitLog((l) => l.event === "trigger:watch" && l.pipeline === pipeline, 60_000);

before(async () => {
  await Promise.all([commit("acme/raw", 1), commit("acme/own", 1), commit("acme/burst", 1)]);
  d = await startDaemon(project, { FLOE_TRIGGER_POLL_MS: "250" });
  await Promise.all([watching("react"), watching("self"), watching("every"), watching("filtered")]);
});
after(async () => {
  await d?.stop();
  project.cleanup();
});

test("a commit by another process starts exactly one run with its snapshot; onRunEnd chains the next pipeline", async () => {
  const [snapshot] = await commit("acme/raw", 1);
  const first = await waitFor(async () => (await runsOf("react"))[0], 30_000, "a triggered run");
  const run = await waitRun(d, first.id);
  assert.equal(run.state, "Completed");
  assert.deepEqual(run.tasks[0].result, { kind: "commit", detail: { on: "commit", repo: "acme/raw", branch: "main", snapshotId: snapshot } });
  const chained = await waitFor(async () => (await runsOf("chained"))[0], 30_000, "the chained run");
  const done = await waitRun(d, chained.id);
  assert.deepEqual(done.tasks[0].result, { on: "runEnd", pipeline: "react", runId: run.id, state: "Completed", commits: [] });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await runsOf("react")).length, 1, "exactly one run for one commit");
  assert.equal((await runsOf("chained")).length, 1);
});

test("50 commits in quick succession coalesce: few runs, the last one for the final snapshot, none twice", async () => {
  const before = (await runsOf("react")).length;
  const ids = await commit("acme/raw", 50);
  const last = ids.at(-1)!;
  await waitFor(async () => (await runsOf("react")).some((r) => r.trigger.detail.snapshotId === last), 60_000, "a run for the last commit");
  const runs = (await settle("react")).slice(before);
  const snapshots = runs.map((r) => r.trigger.detail.snapshotId);
  assert.equal(new Set(snapshots).size, snapshots.length, "no snapshot ran twice");
  assert.ok(runs.length >= 1 && runs.length <= 25, `coalesced: ${runs.length} runs for 50 commits`);
  assert.equal(snapshots.at(-1), last);
});

test("coalesce: all starts one run per commit of a burst, in commit order", async () => {
  const ids = await commit("acme/burst", 12);
  const runs = await waitFor(async () => {
    const all = await runsOf("every");
    return all.length >= 12 && all.every((r) => TERMINAL.includes(r.state)) ? all : undefined;
  }, 120_000, "12 runs of every");
  assert.deepEqual(runs.map((r) => r.trigger.detail.snapshotId), ids, "one run per snapshot, oldest first");
  assert.ok(runs.every((r) => r.state === "Completed" && r.trigger.kind === "commit"));
});

test("path: only commits that change something under the group start a run", async () => {
  await settle("filtered");
  const before = (await runsOf("filtered")).length;
  await commit("acme/raw", 1); // outside inputs/
  const [inside] = await commit("acme/raw", 1, "inputs");
  const run = await waitFor(async () => (await runsOf("filtered")).find((r) => r.trigger.detail.snapshotId === inside), 30_000, "a run for the commit under inputs/");
  assert.equal((await waitRun(d, run.id)).state, "Completed");
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await runsOf("filtered")).length, before + 1, "the commit outside inputs/ started nothing");
  await settle("react");
});

test("a trigger naming a repository that does not exist: a load-time diagnostic with file:line; manual runs still work", async () => {
  const status = await waitFor(async () => {
    const p = await d.get("/api/pipelines/ghost");
    return p.diagnostics?.length ? p : undefined;
  }, 30_000, "the diagnostic");
  assert.equal(status.valid, true);
  const [diag] = status.diagnostics;
  assert.equal(diag.code, "trigger_repo_not_found");
  assert.equal(diag.path, "triggers.1.onCommit.repo");
  assert.match(`${diag.file}:${diag.line}`, /pipelines\/ghost\.ts:2$/);
  assert.match(diag.message, /"acme\/nowhere" does not exist/);
  const created = await d.post("/api/pipelines/ghost/runs");
  assert.equal((await waitRun(d, created.body.id)).state, "Completed");
});

test("a pipeline's own commits do not retrigger it", async () => {
  const created = await d.post("/api/pipelines/self/runs");
  const run = await waitRun(d, created.body.id);
  assert.equal(run.state, "Completed", JSON.stringify(run.error));
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal((await runsOf("self")).length, 1);
});

test("a restart neither loses a commit made while the daemon was down nor repeats one", async () => {
  await settle("react");
  const before = (await runsOf("react")).length;
  await d.stop();
  const [whileDown] = await commit("acme/raw", 1);
  d = await startDaemon(project, { FLOE_TRIGGER_POLL_MS: "250" });
  await waitFor(async () => (await runsOf("react")).some((r) => r.trigger.detail.snapshotId === whileDown), 60_000, "the run for the commit made while down");
  await settle("react");
  await d.stop();
  d = await startDaemon(project, { FLOE_TRIGGER_POLL_MS: "250" });
  await new Promise((r) => setTimeout(r, 2000));
  const runs = await runsOf("react");
  assert.equal(runs.length, before + 1, "one run for the commit made while down, none after a plain restart");
});
