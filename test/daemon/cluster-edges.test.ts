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
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { startTestPostgres, type TestPostgres } from "../store/postgres-server.ts";
import { makeProject, pipelineSource, startDaemon, waitFor, waitRun, type RunningDaemon } from "./helpers.ts";

const LEASE_MS = 3_000;
const PIPELINES = {
  "pipelines/quick.ts": pipelineSource("quick", `.task("one", () => 1)`),
  "pipelines/other.ts": pipelineSource("other", `.task("two", () => 2)`),
  "pipelines/pooled.ts": `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n` +
    pipelineSource("pooled", `.task("hold", { pool: "gpu" }, async () => { for (let i = 0; i < 600; i++) await sleep(100); })`),
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
  api = await startDaemon(project, { ...env, FLOE_NODE_ID: "api-1" }, ["--role", "api"]); // migrates, publishes bundles
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
