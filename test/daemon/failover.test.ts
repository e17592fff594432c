/**
 * The store sink across a PostgreSQL outage (the server stopped and started again): events emitted meanwhile are
 * written in order once it is back; past the bound, log lines are dropped and counted, transitions kept.
 *
 * Recovery end to end, as real `floe start --role ...` processes on loopback sharing one PostgreSQL (a server of this
 * test's own, so it can be restarted): a scheduler node (the lease-expiry reaper) and two worker nodes. kill -9 of the
 * worker running a `resume: true` run: the run is Crashed and resumed on the other worker, reusing its completed
 * task; PostgreSQL restarted while the resumed run goes on: the run keeps going and its log lines are all written;
 * the killed node restarted touches neither run and cannot write to the old one. Prints the failover time.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  applyRunEvents, createRun, createStoreSink, getLogs, getPipeline, getRun, isConnectionLost, listClaims, listRuns, openDatabase, type Store,
} from "../../src/store/index.ts";
import { restartablePostgres, type RestartablePostgres } from "../store/restartable-postgres.ts";
import { makeProject, startDaemon, waitFor, type RunningDaemon } from "./helpers.ts";

// long enough that a PostgreSQL restart on a loaded machine stays inside the grace (it ends before the lease can)
const LEASE_MS = 12_000;
const PIPELINE = `import { pipeline } from "floe";
import { appendFileSync, existsSync } from "node:fs";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export default pipeline({ name: "resumable", resume: true })
  .task("first", () => { appendFileSync("marks/first", process.env.FLOE_NODE_ID + "\\n"); return 1; })
  .task("slow", { needs: ["first"] }, async ({ upstream }) => {
    appendFileSync("marks/slow", process.env.FLOE_NODE_ID + "\\n");
    for (let i = 0; !existsSync("marks/release"); i++) { console.log("tick " + i); await sleep(200); }
    return upstream.first + 1;
  });
`;

let server: RestartablePostgres;
let store: Store;
const project = makeProject({ "pipelines/resumable.ts": PIPELINE }, "{ daemon: { shutdownGraceMs: 300 } }");
mkdirSync(join(project.dir, "marks"));
const nodes = new Map<string, RunningDaemon>();
let env: Record<string, string>;
const worker = (id: string): Promise<RunningDaemon> =>
  startDaemon(project, { ...env, FLOE_NODE_ID: id, FLOE_STATE_DIR: join(project.dir, `state-${id}`) }, ["--role", "worker", "--slots", "1"]);
const marks = (name: string): string[] => {
  const file = join(project.dir, "marks", name);
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
};

before(async () => {
  server = await restartablePostgres();
});

after(async () => {
  await Promise.all([...nodes.values()].map((d) => d.stop()));
  await store?.close();
  await server?.cleanup();
  project.cleanup();
});

const log = (runId: string, i: number) => ({ type: "log:line" as const, runId, level: "info" as const, message: `line ${i}`, at: 1000 + i });

test("the store sink: events kept while the database is down are written in order once it is back; past the bound only log lines are dropped", async () => {
  const store = await openDatabase({ url: await server.freshUrl(), path: "unused" });
  after(() => store.close());
  const { run } = await createRun(store, { pipeline: "outage", version: "v1", params: {}, trigger: { kind: "manual" } });
  await applyRunEvents(store, [{ type: "run:transition", runId: run.id, from: "Pending", to: "Running", at: 1000 }]);
  const seen: string[] = [];
  const sink = createStoreSink(store, {
    maxBatch: 5, maxPending: 20, retryMs: 50,
    onUnavailable: (cause) => seen.push(`down ${isConnectionLost(cause)}`),
    onRestored: ({ droppedLogs }) => seen.push(`back, ${droppedLogs} dropped`),
  });
  await server.halt();
  for (let i = 0; i < 10; i++) sink.emit(log(run.id, i));
  let flushed = false;
  const flushing = sink.flush().then(() => {
    flushed = true;
  });
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(flushed, false, "a flush waits for the database");
  assert.deepEqual(seen, ["down true"]);
  // more than the bound: the oldest waiting log lines go, the transition stays
  for (let i = 10; i < 40; i++) sink.emit(log(run.id, i));
  sink.emit({ type: "run:transition", runId: run.id, from: "Running", to: "Completed", at: 2000 });
  await new Promise((r) => setImmediate(r));
  assert.ok(sink.pending <= 21, `kept ${sink.pending} events`);
  await server.resume();
  await flushing;
  await sink.flush();
  assert.equal((await getRun(store, run.id))!.state, "Completed");
  const lines = (await getLogs(store, run.id)).map((l) => Number(l.message.split(" ")[1]));
  assert.deepEqual(lines, [...lines].sort((a, b) => a - b), "written in order");
  assert.ok(lines.includes(0) && lines.includes(39), `the first batch (in flight) and the newest are kept: ${lines.join(",")}`);
  assert.equal(lines.length + sink.stats.droppedLogs, 40);
  assert.ok(sink.stats.droppedLogs >= 19);
  assert.deepEqual(seen, ["down true", `back, ${sink.stats.droppedLogs} dropped`]);
});

test("kill -9 of a worker: its run is Crashed and resumed on the other worker reusing completed tasks; PostgreSQL restarted mid-run; the killed node comes back harmless", async () => {
  const url = await server.freshUrl();
  env = { FLOE_DATABASE_URL: url, FLOE_LEASE_MS: String(LEASE_MS), FLOE_KILL_GRACE_MS: "1000", FLOE_PORT: "0" };
  // started together: one migrates the database (under its lock), the scheduler publishes the pipeline's bundle
  const [sched, a, b] = await Promise.all([
    startDaemon(project, { ...env, FLOE_NODE_ID: "sched", FLOE_STATE_DIR: join(project.dir, "state-sched") }, ["--role", "scheduler"]),
    worker("w1"), worker("w2"),
  ]);
  nodes.set("sched", sched).set("w1", a).set("w2", b);
  store = await openDatabase({ url, path: "unused" });
  const version = await waitFor(async () => (await getPipeline(store, "resumable"))?.activeVersion ?? undefined, 60_000, "the pipeline loaded");
  const { run } = await createRun(store, { pipeline: "resumable", version, params: {}, trigger: { kind: "manual" } });
  await waitFor(() => marks("slow").length === 1, 60_000, "the slow task running");
  const [held] = (await listClaims(store)).filter((c) => c.run.id === run.id);
  // what "first" reported has reached the database (a result is reused only then)
  await waitFor(async () => (await getRun(store, run.id))?.tasks.find((t) => t.task === "slow")?.state === "Running", 30_000, "the run's events written");
  const victim = held!.node;
  const other = victim === "w1" ? "w2" : "w1";
  assert.deepEqual(marks("first"), [victim]);

  const killedAt = Date.now();
  await nodes.get(victim)!.kill9();
  await waitFor(() => marks("slow").length === 2, 60_000, "the run resumed on the other worker");
  const failoverMs = Date.now() - killedAt;
  console.log(`failover: worker kill -9 -> run resumed elsewhere in ${(failoverMs / 1000).toFixed(1)} s (lease ${LEASE_MS / 1000} s)`);
  assert.equal(marks("slow")[1], other);
  assert.deepEqual(marks("first"), [victim], "the completed task is reused, not run again");
  const old = (await getRun(store, run.id))!;
  assert.equal(old.state, "Crashed");
  assert.match(old.error?.message ?? "", new RegExp(`node ${victim} lost this run: its lease expired`));
  const chain = (await listRuns(store, { pipeline: "resumable" })).items;
  assert.equal(chain.length, 2);
  const resumed = chain.find((r) => r.retryOf === run.id)!;
  const claim = (await listClaims(store)).find((c) => c.run.id === resumed.id)!;
  assert.equal(claim.node, other);

  // PostgreSQL restarts under the running run: it goes on, and what it logged meanwhile is written once it is back
  await server.halt();
  await server.resume();
  await nodes.get(other)!.waitLog((l) => l.event === "store:restored", 30_000);

  // the killed node restarts: it touches neither run and its old fence writes nothing
  const back = await worker(victim);
  nodes.set(victim, back);
  const after = (await listClaims(store)).find((c) => c.run.id === resumed.id);
  const story = (): string => JSON.stringify([...nodes].map(([id, n]) => [id, n.lines.filter((l) => /^(store|run|leader):/.test(String(l.event))).map((l) => `${String(l.time).slice(11, 23)} ${String(l.event)} ${String(l.msg)}`)]));
  assert.deepEqual([after?.node, after?.fence], [other, claim.fence], `the new run is still the other worker's: ${story()}`);
  assert.ok(!back.lines.some((l) => l.event === "run:crashed"), "nothing of this node's was left to reconcile");
  const stale = await applyRunEvents(store, [{ type: "log:line", runId: run.id, level: "info", message: "late", at: Date.now() }], { fences: new Map([[run.id, held!.fence]]) });
  assert.deepEqual(stale.rejected.map((r) => r.reason), ["fenced"]);

  writeFileSync(join(project.dir, "marks", "release"), "");
  const done = await waitFor(async () => {
    const r = await getRun(store, resumed.id);
    return r && ["Completed", "Failed", "Crashed"].includes(r.state) ? r : undefined;
  }, 60_000, "the resumed run to end");
  assert.equal(done.state, "Completed", JSON.stringify(done.error));
  assert.deepEqual(done.tasks.map((t) => [t.task, t.state]), [["first", "Cached"], ["slow", "Completed"]]);
  assert.equal(marks("slow").length, 2, "never run a third time");
  assert.equal((await listRuns(store, { pipeline: "resumable" })).items.length, 2);
  const ticks = (await getLogs(store, resumed.id)).flatMap((l) => (/^tick (\d+)$/.exec(l.message) ? [Number(/^tick (\d+)$/.exec(l.message)![1])] : []));
  assert.deepEqual(ticks, ticks.map((_, i) => i), "every log line of the outage was kept and written, in order");
});
