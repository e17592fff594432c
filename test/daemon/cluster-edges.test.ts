/**
 * Edges of a cluster on one PostgreSQL, as real `floe start --role ...` processes on loopback: an api node (a
 * superuser) and a worker (`--slots 1`, its own state folder) connecting as a role of its own, whose table
 * privileges the test takes away and gives back to make the worker's database reads fail for real.
 * - A run whose start fails on the database (its version's bundle or its retried tasks cannot be read) is not left
 *   claimed without a process, holding the worker's slot and counting against the cluster's limits: it stays
 *   Pending, its claim lapses (no renewal without a process) and it is claimed again, and it runs once the
 *   database answers again.
 * - A worker that lost a run (another node claimed it: the fence moved) frees only the pool slots it took under its
 *   own claim, never those of the run's new holder.
 * - A run whose end cannot be recorded when its process exits (the database fails then) is not held for ever by a
 *   claim renewed without a process: the claim lapses and the lease-expiry reaper ends the run.
 * - With no scheduler node at all (api + worker), a worker killed with -9 mid-run still has its run ended: any node may
 *   lead the lease-expiry reaper.
 * - An `onCommit` trigger coalescing `latest` on a scheduler node sees a run it started waiting in the database (no
 *   worker is alive to start it): a new head starts no second run.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { startTestPostgres, type TestPostgres } from "../store/postgres-server.ts";
import { makeProject, pipelineSource, startDaemon, waitFor, waitRun, type RunningDaemon } from "./helpers.ts";

const LEASE_MS = 3_000;
const COMMITTER = `import { Client } from "floe/arraylake";
import * as zarr from "zarrita";
const client = new Client({ localReposDir: process.env.REPOS });
const repo = await client.getOrCreateRepo(process.argv[2]);
const session = await repo.writableSession("main");
await zarr.create(zarr.root(session.store).resolve("a" + Date.now()), { shape: [1], chunkShape: [1], dtype: "float32" });
console.log(await session.commit("a commit"));
client.close();
`;
const PIPELINES = {
  "commit.mts": COMMITTER,
  "pipelines/watcher.ts": pipelineSource("watcher", `.task("seen", (_, ctx) => ctx.trigger.detail)`, `triggers: [{ onCommit: { repo: "acme/watched", branch: "main" } }]`),
  "pipelines/quick.ts": pipelineSource("quick", `.task("one", () => 1)`),
  "pipelines/other.ts": pipelineSource("other", `.task("two", () => 2)`),
  "pipelines/pooled.ts": `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n` +
    pipelineSource("pooled", `.task("hold", { pool: "gpu" }, async () => { for (let i = 0; i < 600; i++) await sleep(100); })`),
  "pipelines/gate.ts": `import { existsSync } from "node:fs";\nconst sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n` +
    pipelineSource("gate", `.task("wait", async () => { while (!existsSync("gate-open")) await sleep(100); return 1; })`),
  "pipelines/long.ts": `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n` +
    pipelineSource("long", `.task("tick", async () => { for (let i = 0; i < 600; i++) { console.log("tick " + i); await sleep(100); } })`),
};

let server: TestPostgres;
let url: string;
let admin: pg.Client;
let api: RunningDaemon;
let worker: RunningDaemon;
const ROLE = `floe_w${process.pid}`;
const project = makeProject(PIPELINES, "{ concurrency: { maxActiveRuns: 8, pools: { gpu: 2 } }, daemon: { shutdownGraceMs: 300 } }");

before(async () => {
  server = await startTestPostgres();
  url = await server.freshUrl();
  const env = { FLOE_DATABASE_URL: url, FLOE_LEASE_MS: String(LEASE_MS), FLOE_KILL_GRACE_MS: "1000" };
  // the api node migrates and publishes the bundles; the repository a trigger watches exists before its scheduler starts
  [api] = await Promise.all([startDaemon(project, { ...env, FLOE_NODE_ID: "api-1" }, ["--role", "api"]), commit("acme/watched")]);
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD 'pw-${ROLE}'`);
  await admin.query(`GRANT ALL ON SCHEMA public TO ${ROLE}`);
  await admin.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${ROLE}`);
  await admin.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${ROLE}`);
  const own = new URL(url);
  own.username = ROLE;
  own.password = `pw-${ROLE}`;
  worker = await startDaemon(project, { ...env, FLOE_DATABASE_URL: own.toString(), FLOE_STATE_DIR: join(project.dir, "state-w1") }, [
    "--role", "worker", "--slots", "1", "--node-id", "worker-1",
  ]);
});

after(async () => {
  await Promise.all([api, worker].map((d) => d?.stop()));
  await admin?.query(`DROP OWNED BY ${ROLE}`).catch(() => undefined);
  await admin?.end().catch(() => undefined);
  await server?.stop();
  if (server) {
    const root = new pg.Client({ connectionString: server.url });
    await root.connect().then(() => root.query(`DROP ROLE IF EXISTS ${ROLE}`)).catch(() => undefined);
    await root.end().catch(() => undefined);
  }
  project.cleanup();
});

const submit = async (path: string): Promise<string> => {
  const { status, body } = await api.post(path, {});
  assert.equal(status, 201, JSON.stringify(body));
  return body.id as string;
};
const claimOf = async (id: string): Promise<{ state: string; fence: number }> =>
  (await admin.query<{ state: string; fence: number }>("SELECT state, fence FROM runs WHERE id = $1", [id])).rows[0]!;

test("a run whose start fails on the database is not stranded: it stays Pending, its claim lapses, and it runs once the database answers", async () => {
  const first = await submit("/api/pipelines/quick/runs");
  assert.equal((await waitRun(api, first, undefined, 60_000)).state, "Completed");
  // the worker now has quick's version on disk, not other's; it can no longer read bundles or task results
  await admin.query(`REVOKE SELECT ON version_bundles, task_runs FROM ${ROLE}`);
  const retry = await submit(`/api/runs/${first}/retry`); // its start reads the retried run's tasks
  const other = await submit("/api/pipelines/other/runs"); // its start reads the version's bundle
  const failedStart = (id: string) => (l: Record<string, unknown>): boolean => l.event === "run:start" && l.level === "error" && l.runId === id;
  await worker.waitLog(failedStart(retry), 30_000);
  await worker.waitLog(failedStart(other), 30_000);
  // a database error is the node's, not the run's: neither run failed, and neither claim is renewed without a
  // process: it lapses and the run is claimed again (each claim bumps the fence)
  const fences = await Promise.all([retry, other].map(claimOf));
  await waitFor(async () => {
    const claims = await Promise.all([retry, other].map(claimOf));
    return claims.every((c, i) => c.state === "Pending" && c.fence > fences[i]!.fence);
  }, 30_000, "claims lapsed and taken again");
  for (const id of [retry, other]) assert.equal((await claimOf(id)).state, "Pending");
  await admin.query(`GRANT SELECT ON version_bundles, task_runs TO ${ROLE}`);
  for (const id of [retry, other]) assert.equal((await waitRun(api, id, undefined, 60_000)).state, "Completed", id);
});

test("a worker that lost a run frees only its own pool slots, not the new holder's", async () => {
  const id = await submit("/api/pipelines/pooled/runs");
  const leases = async (): Promise<{ holder: string }[]> =>
    (await admin.query<{ holder: string }>("SELECT holder FROM leases WHERE run_id = $1 ORDER BY holder", [id])).rows;
  const [own] = await waitFor(async () => ((await leases()).length === 1 ? leases() : undefined), 60_000, "the run's pool slot");
  // another node claims the run: it holds it under the next fence, and takes a slot of its own
  const { fence } = (await admin.query<{ fence: number }>(
    "UPDATE runs SET fence = fence + 1, claimed_by = 'worker-2' WHERE id = $1 RETURNING fence", [id],
  )).rows[0]!;
  const theirs = `${id}@${fence}#1`;
  assert.notEqual(own!.holder, theirs);
  await admin.query("INSERT INTO leases (holder, pool, run_id, acquired_at, expires_at) VALUES ($1, 'gpu', $2, $3, $4)", [theirs, id, Date.now(), Date.now() + 60_000]);
  await worker.waitLog((l) => l.event === "run:lost" && l.runId === id, 30_000);
  await worker.waitLog((l) => l.event === "run:end" && l.runId === id, 30_000);
  await waitFor(async () => (await leases()).every((l) => l.holder !== own!.holder), 10_000, "the lost holder's slot freed");
  assert.deepEqual((await leases()).map((l) => l.holder), [theirs]);
  await admin.query("UPDATE runs SET state = 'Cancelled', claimed_by = NULL WHERE id = $1", [id]); // nobody executes it now
  await admin.query("DELETE FROM leases WHERE run_id = $1", [id]);
});

test("a run whose end cannot be recorded is not held by a claim without a process: it lapses and the reaper ends the run", async () => {
  const id = await submit("/api/pipelines/gate/runs");
  await waitRun(api, id, (r) => r.state === "Running", 60_000);
  const { pid } = (await admin.query<{ pid: number }>("SELECT pid FROM runs WHERE id = $1", [id])).rows[0]!;
  await admin.query(`REVOKE SELECT ON task_runs FROM ${ROLE}`); // the worker can neither write the end nor read the run
  writeFileSync(join(project.dir, "gate-open"), "");
  const alive = (): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
  await waitFor(() => !alive(), 30_000, "the run process to exit");
  await new Promise((r) => setTimeout(r, 1_000)); // the worker tries to record the end meanwhile, and cannot
  await admin.query(`GRANT SELECT ON task_runs TO ${ROLE}`);
  const ended = await waitFor(async () => {
    const row = (await admin.query<{ state: string; claimed_by: string | null }>("SELECT state, claimed_by FROM runs WHERE id = $1", [id])).rows[0]!;
    return ["Completed", "Crashed"].includes(row.state) && row.claimed_by === null ? row : undefined;
  }, 30_000, "the run ended and its claim gone");
  assert.ok(ended);
});

test("with no scheduler node, a worker killed mid-run has its run ended by the reaper another node leads", async () => {
  const id = await submit("/api/pipelines/long/runs");
  await waitFor(async () => (await api.get(`/api/runs/${id}/logs`)).items?.some((l: { message: string }) => l.message.startsWith("tick")), 60_000, "a tick");
  await worker.kill9();
  const run = await waitRun(api, id, undefined, 60_000);
  assert.equal(run.state, "Crashed", JSON.stringify(run));
  assert.match(JSON.stringify(run.error), /worker-1 lost this run: its lease expired/);
  assert.ok(api.lines.some((l) => l.event === "run:crashed" && l.runId === id), "the api node reaped it");
});

/** A commit to a local repository of the project, by a process of its own; its snapshot id. */
function commit(repo: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", "--no-warnings", "commit.mts", repo], {
      cwd: project.dir, env: { ...process.env, REPOS: join(project.stateDir, "arraylake") }, stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    proc.stdout.on("data", (b: Buffer) => (out += b.toString()));
    proc.stderr.on("data", (b: Buffer) => (err += b.toString()));
    proc.once("close", (code) => (code === 0 ? resolve(out.trim().split("\n").at(-1)!) : reject(new Error(`committer exited ${code}: ${err}`))));
  });
}

test("an onCommit trigger coalescing latest sees its run waiting in the database: a new head starts no second run", async () => {
  const scheduler = await startDaemon(project, { FLOE_DATABASE_URL: url, FLOE_LEASE_MS: String(LEASE_MS), FLOE_TRIGGER_POLL_MS: "250" }, [
    "--role", "scheduler", "--node-id", "scheduler-1",
  ]);
  try {
    await scheduler.waitLog((l) => l.event === "trigger:watch" && l.pipeline === "watcher", 60_000);
    const runsOf = async (): Promise<any[]> => (await api.get("/api/runs?pipeline=watcher&limit=50")).items;
    const first = await commit("acme/watched");
    const [waiting] = await waitFor(async () => ((await runsOf()).length > 0 ? runsOf() : undefined), 30_000, "the triggered run");
    assert.equal(waiting.trigger.detail.snapshotId, first);
    assert.equal(waiting.state, "Pending"); // no worker is alive: it waits in the database
    await commit("acme/watched");
    // a few trigger checks later (every 250 ms), still the one run waiting for the newest head
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      assert.deepEqual((await runsOf()).map((r) => r.id), [waiting.id]);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await scheduler.stop();
  }
});
