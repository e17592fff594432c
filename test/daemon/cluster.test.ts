/**
 * A cluster on one PostgreSQL database, as real `floe start --role ...` processes on loopback: one api node, one
 * scheduler node and two worker nodes (`--slots 2`) sharing a project. Runs submitted through the api node are each executed exactly once,
 * spread over both workers; a pipeline's maxActiveRuns holds across the workers; a cancel through the api node stops
 * a run on a worker; a worker whose lease is taken away (the test bumps the run's fence) kills its run process and
 * its writes are refused; a child run (`ctx.runPipeline`) started on a worker runs on any worker and answers its
 * parent; a run ending on a worker chains an `onRunEnd` trigger on the scheduler node; a schedule paused or resumed
 * through the api node stops or starts firing on the scheduler node; a dead pid is swept only by the node that ran
 * the run. And `--role worker` on SQLite is a usage error.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { startTestPostgres, type TestPostgres } from "../store/postgres-server.ts";
import { makeProject, pipelineSource, spawnFloe, startDaemon, TERMINAL, waitFor, waitRun, type RunningDaemon } from "./helpers.ts";

const sleep = `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n`;
const PIPELINES = {
  "pipelines/work.ts": sleep + pipelineSource("work", `.task("nap", async () => { await sleep(2500); return process.pid; })`),
  "pipelines/solo.ts": sleep + pipelineSource("solo", `.task("span", async () => { const start = Date.now(); await sleep(700); return { start, end: Date.now() }; })`, "maxActiveRuns: 1"),
  "pipelines/kid.ts": pipelineSource("kid", `.task("double", ({ params }) => params.n * 2)`, "params: z.object({ n: z.number() })"),
  "pipelines/elder.ts": pipelineSource("elder", `.task("ask", async (_, ctx) => { const kid = await ctx.runPipeline("kid", { n: 21 }); return { runId: kid.runId, doubled: kid.results.double }; })`),
  "pipelines/source.ts": pipelineSource("source", `.task("emit", () => "ok")`),
  "pipelines/follower.ts": `import { pipeline } from "floe";\nexport default pipeline({ name: "follower", triggers: [{ onRunEnd: { pipeline: "source", states: ["Completed"] } }] }).task("react", (_, ctx) => ctx.trigger.kind);\n`,
  "pipelines/kid-less.ts": pipelineSource("kid-less", `.task("one", () => 1)`),
  "pipelines/beat.ts": pipelineSource("beat", `.task("b", () => 1)`, `schedules: [{ name: "every-second", cron: "* * * * * *", paused: true, overlap: "allow" }]`),
  "pipelines/ticker.ts": sleep + pipelineSource("ticker", `.task("tick", async () => { for (let i = 0; i < 600; i++) { console.log("tick " + i); await sleep(100); } })`),
};

let server: TestPostgres;
let url: string;
let api: RunningDaemon;
let scheduler: RunningDaemon;
const workers: RunningDaemon[] = [];
const project = makeProject(PIPELINES, "{ concurrency: { maxActiveRuns: 8 }, daemon: { shutdownGraceMs: 300 } }");

before(async () => {
  server = await startTestPostgres();
  url = await server.freshUrl();
  const env = { FLOE_DATABASE_URL: url, FLOE_LEASE_MS: "3000", FLOE_KILL_GRACE_MS: "1000" };
  // the api node migrates the database and snapshots the versions the workers read
  api = await startDaemon(project, { ...env, FLOE_NODE_ID: "api-1" }, ["--role", "api"]);
  const started = await Promise.all([
    startDaemon(project, env, ["--role", "scheduler", "--node-id", "scheduler-1"]),
    ...[1, 2].map((n) => startDaemon(project, env, ["--role", "worker", "--slots", "2", "--node-id", `worker-${n}`])),
  ]);
  scheduler = started[0]!;
  workers.push(...started.slice(1));
});

after(async () => {
  await Promise.all([api, scheduler, ...workers].map((d) => d?.stop()));
  await server?.stop();
  project.cleanup();
});

const submit = async (pipeline: string): Promise<string> => {
  const { status, body } = await api.post(`/api/pipelines/${pipeline}/runs`, {});
  assert.equal(status, 201, JSON.stringify(body));
  return body.id as string;
};
/** The workers that logged starting this run (each start is one execution). */
const startsOf = (runId: string): number[] =>
  workers.flatMap((w, i) => w.lines.filter((l) => l.event === "run:start" && l.runId === runId).map(() => i));

test("runs submitted through the api node are each executed exactly once, spread over both workers", async () => {
  assert.deepEqual(await api.get("/api/health").then((h) => h.status), "ok");
  const health = await fetch(`${workers[0]!.url}/healthz`).then((r) => r.json());
  assert.deepEqual([health.role, health.node, health.ok], ["worker", "worker-1", true]);
  const ids = await Promise.all([1, 2, 3, 4].map(() => submit("work")));
  const runs = await Promise.all(ids.map((id) => waitRun(api, id, undefined, 60_000)));
  for (const run of runs) assert.equal(run.state, "Completed", JSON.stringify(run));
  const by = ids.map(startsOf);
  for (const starts of by) assert.equal(starts.length, 1, `each run starts once: ${JSON.stringify(by)}`);
  assert.deepEqual(new Set(by.flat()), new Set([0, 1]), `both workers ran some: ${JSON.stringify(by)}`);
  assert.ok(!api.lines.some((l) => l.event === "run:start"), "the api node executes nothing");
});

test("a pipeline's maxActiveRuns holds across two workers", async () => {
  const ids = await Promise.all([1, 2, 3].map(() => submit("solo")));
  const runs = await Promise.all(ids.map((id) => waitRun(api, id, undefined, 60_000)));
  const spans = runs.map((r) => r.tasks[0].result as { start: number; end: number }).sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i]!.start >= spans[i - 1]!.end, `runs overlapped: ${JSON.stringify(spans)}`);
});

test("a cancel through the api node stops the run on the worker holding it", async () => {
  const id = await submit("ticker");
  await waitRun(api, id, (r) => r.state === "Running");
  const { status } = await api.post(`/api/runs/${id}/cancel`);
  assert.ok(status < 300, `cancel answered ${status}`);
  const run = await waitRun(api, id, (r) => TERMINAL.includes(r.state), 30_000);
  assert.equal(run.state, "Cancelled");
  assert.equal(startsOf(id).length, 1);
});

test("a worker whose lease is taken away kills its run process; its writes are refused", async () => {
  const id = await submit("ticker");
  await waitFor(async () => (await api.get(`/api/runs/${id}/logs`)).items?.some((l: { message: string }) => l.message.startsWith("tick")), 30_000, "a tick");
  const holder = workers[startsOf(id)[0]!]!;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  let pid: number | null;
  try {
    pid = (await db.query<{ pid: number | null }>("SELECT pid FROM runs WHERE id = $1", [id])).rows[0]!.pid;
    // another node "claimed" it: the worker's fence is no longer current
    await db.query("UPDATE runs SET fence = fence + 1 WHERE id = $1", [id]);
  } finally {
    await db.end();
  }
  await holder.waitLog((l) => l.event === "run:lost" && l.runId === id, 15_000);
  await holder.waitLog((l) => l.event === "run:end" && l.runId === id, 15_000);
  if (pid !== null) assert.throws(() => process.kill(pid, 0), "the run process is gone");
  // the worker's end of the run (Crashed) was refused: the run is the new holder's to end
  const run = await api.get(`/api/runs/${id}`);
  assert.equal(run.state, "Running");
  const logs = (await api.get(`/api/runs/${id}/logs`)).items.length;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await api.get(`/api/runs/${id}/logs`)).items.length, logs);
});

test("a schedule resumed, then paused, through the api node starts, then stops, firing on the scheduler node", async () => {
  const beats = async (): Promise<number> => (await api.get("/api/runs?pipeline=beat")).items.length as number;
  const id = encodeURIComponent("beat:every-second");
  assert.equal(await beats(), 0, "it starts paused");
  assert.equal((await api.post(`/api/schedules/${id}/resume`)).status, 200);
  await waitFor(async () => ((await beats()) >= 2 ? true : undefined), 30_000, "the scheduler node to fire the resumed schedule");
  assert.equal((await api.post(`/api/schedules/${id}/pause`)).status, 200);
  // A slot already being fired when the pause lands may still make its run; after that, none.
  await new Promise((r) => setTimeout(r, 1_500));
  const paused = await beats();
  await new Promise((r) => setTimeout(r, 3_000));
  assert.equal(await beats(), paused, "runs were created after the pause");
  assert.ok(scheduler.lines.some((l) => l.event === "schedule:fire"), "the scheduler node fired them");
});

test("a Running run with a dead pid is swept as Crashed only by the node that ran it (a pid is one machine's)", async () => {
  const id = await submit("kid-less");
  await waitRun(api, id, undefined, 60_000);
  // Its worker is done with it (end recorded, claim given back): nothing of the real run writes to it any more.
  await waitFor(() => workers.some((w) => w.lines.some((l) => l.event === "run:end" && l.runId === id)) || undefined, 30_000, "the worker's run:end");
  const deadPid = spawnSync("true").pid!;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const state = async (): Promise<string> => (await db.query<{ state: string }>("SELECT state FROM runs WHERE id = $1", [id])).rows[0]!.state;
    // As if it ran on a machine of its own: that machine's pid says nothing here.
    await db.query("UPDATE runs SET state = 'Running', ended_at = NULL, node = 'a-machine-elsewhere', pid = $2, claimed_by = NULL WHERE id = $1", [id, deadPid]);
    await new Promise((r) => setTimeout(r, 6_000)); // more than a sweep (every 5 s) on every worker
    assert.equal(await state(), "Running");
    await db.query("UPDATE runs SET node = 'worker-1' WHERE id = $1", [id]);
    await waitFor(async () => ((await state()) === "Crashed" ? true : undefined), 15_000, "worker-1 to sweep its own run");
  } finally {
    await db.end();
  }
});

test("a child run is created in the database, claimed by a worker, and its end answers the parent", async () => {
  const id = await submit("elder");
  const run = await waitRun(api, id, undefined, 60_000);
  assert.equal(run.state, "Completed", JSON.stringify(run));
  const { runId, doubled } = run.tasks[0].result as { runId: string; doubled: number };
  assert.equal(doubled, 42);
  assert.equal(startsOf(runId).length, 1);
  assert.equal((await api.get(`/api/runs/${runId}`)).parentRunId, id);
});

test("a run that ends on a worker chains an onRunEnd trigger on the scheduler node", async () => {
  const id = await submit("source");
  assert.equal((await waitRun(api, id, undefined, 60_000)).state, "Completed");
  const chained = await waitFor(async () => (await api.get("/api/runs?pipeline=follower")).items.find((r: any) => r.trigger?.detail?.runId === id), 30_000, "the chained run");
  const run = await waitRun(api, chained.id, undefined, 60_000);
  assert.equal(run.state, "Completed");
  assert.equal(run.tasks[0].result, "runEnd");
  assert.ok(!scheduler.lines.some((l) => l.event === "run:start"), "the scheduler node executes nothing");
});

test("--role worker on SQLite is a usage error (exit 2)", async () => {
  const proc = spawnFloe(project, ["start", "--role", "worker"], { FLOE_DATABASE_URL: "" });
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise((r) => proc.once("exit", r));
  assert.equal(code, 2);
  assert.match(err, /roles other than all need PostgreSQL \(FLOE_DATABASE_URL\)/);
});
