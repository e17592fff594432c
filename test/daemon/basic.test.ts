/** The daemon end to end: serve, run, logs, daemon.json, clean shutdown, port in use, read-only state folder. */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { followRun, submitToDaemon } from "../../src/daemon/client.ts";
import { makeProject, pipelineSource, readJson, spawnFloe, startDaemon, waitRun } from "./helpers.ts";

const hello = pipelineSource(
  "hello",
  `.task("greet", ({ params }) => { console.log("hi " + params.who); return "hello " + params.who; })`,
  `params: z.object({ who: z.string().default("world"), n: z.number().int().min(1).default(1) })`,
);
const slow = pipelineSource("slow", `.task("wait", async (_i, ctx) => { await new Promise((r) => setTimeout(r, 60_000)); })`);

test("serves the API, runs a submitted run in its own process, records logs, stops cleanly", async () => {
  const project = makeProject({ "pipelines/hello.ts": hello, "pipelines/slow.ts": slow }, "{ daemon: { shutdownGraceMs: 300 } }");
  after(() => project.cleanup());
  const d = await startDaemon(project);
  try {
    const info = readJson(join(project.stateDir, "daemon.json"));
    assert.equal(info.url, d.url);
    assert.equal(info.pid, d.proc.pid);
    assert.equal(JSON.stringify(info).includes("token"), false);
    const health = await d.get("/api/health");
    assert.equal(health.status, "ok");

    const bad = await d.post("/api/pipelines/hello/runs", { params: { n: 0 } });
    assert.equal(bad.status, 422);
    assert.match(JSON.stringify(bad.body), /params\.n/);

    const { status, body } = await d.post("/api/pipelines/hello/runs", { params: { who: "ocean" }, idempotencyKey: "k1" });
    assert.equal(status, 201);
    assert.deepEqual(body.params, { who: "ocean", n: 1 });
    const again = await d.post("/api/pipelines/hello/runs", { params: { who: "ocean" }, idempotencyKey: "k1" });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, body.id);
    const run = await waitRun(d, body.id);
    assert.equal(run.state, "Completed");
    assert.equal(run.tasks[0].result, "hello ocean");
    const logs = await d.get(`/api/runs/${body.id}/logs`);
    assert.ok(logs.items.some((l: any) => l.message === "hi ocean" && l.task === "greet"), JSON.stringify(logs));

    // the CLI's way in: submit through daemon.json, then follow the run's progress to its end
    const viaClient = await submitToDaemon(project.stateDir, { pipeline: "hello", params: { who: "cli" } });
    assert.ok(viaClient);
    const seen: string[] = [];
    for await (const e of followRun(project.stateDir, viaClient.id)) seen.push(e.event === "log" ? `log:${e.data.message}` : e.event === "end" ? `end:${e.data.state}` : "transition");
    assert.ok(seen.includes("log:hi cli"), seen.join());
    assert.equal(seen.at(-1), "end:Completed");
    await assert.rejects(submitToDaemon(project.stateDir, { pipeline: "hello", params: { n: "x" } }), /params\.n/);
    await assert.rejects(submitToDaemon(project.stateDir, { pipeline: "nope" }), /not found|nope/);
    assert.equal(await submitToDaemon(join(project.dir, "elsewhere"), { pipeline: "hello" }), undefined);

    // a run still going at shutdown is cancelled after the grace period; nothing stays Running
    const long = await d.post("/api/pipelines/slow/runs", {});
    await waitRun(d, long.body.id, (r) => r.state === "Running");
    const code = await d.stop();
    assert.equal(code, 0);
    assert.equal(existsSync(join(project.stateDir, "daemon.json")), false);
    const d2 = await startDaemon(project);
    try {
      const ended = await d2.get(`/api/runs/${long.body.id}`);
      assert.equal(ended.state, "Cancelled");
      assert.ok(ended.tasks.every((t: any) => t.state !== "Running"));
    } finally {
      await d2.stop();
    }
  } finally {
    if (d.proc.exitCode === null) await d.stop();
  }
});

test("a port already in use is one clear message and exit 1", async () => {
  const project = makeProject({ "pipelines/hello.ts": hello });
  after(() => project.cleanup());
  const d = await startDaemon(project);
  try {
    const port = new URL(d.url).port;
    const other = makeProject({ "pipelines/hello.ts": hello });
    after(() => other.cleanup());
    const proc = spawnFloe(other, ["dev"], { FLOE_PORT: port });
    let err = "";
    proc.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    const code = await new Promise((r) => proc.once("exit", r));
    assert.equal(code, 1);
    assert.match(err, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    assert.equal(existsSync(join(other.stateDir, "daemon.json")), false);
    // another port but the same state folder: refused too (one writer per database)
    const same = spawnFloe(project, ["dev"], { FLOE_PORT: "0" });
    let sameErr = "";
    same.stderr!.on("data", (b: Buffer) => (sameErr += b.toString()));
    assert.equal(await new Promise((r) => same.once("exit", r)), 1);
    assert.match(sameErr, /another floe daemon \(pid \d+/);
  } finally {
    await d.stop();
  }
});

test("a read-only state folder is one clear message and exit 1", async () => {
  const project = makeProject({ "pipelines/hello.ts": hello });
  after(() => {
    chmodSync(join(project.dir, "ro"), 0o755);
    project.cleanup();
  });
  mkdirSync(join(project.dir, "ro"));
  chmodSync(join(project.dir, "ro"), 0o555);
  const proc = spawnFloe(project, ["dev"], { FLOE_STATE_DIR: join(project.dir, "ro") });
  let err = "";
  proc.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const code = await new Promise((r) => proc.once("exit", r));
  assert.equal(code, 1);
  assert.match(err, /state folder cannot be used.*not writable/);
});
