/**
 * The cluster on simulated machines: floe nodes in their own network namespaces (test/cluster/netns.ts), one
 * PostgreSQL in the root namespace listening on each node's host-side veth address; one cluster shared by the file
 * (an api node, two schedulers, three workers, a spare slot). Nodes the scenarios kill are not started again: the third
 * worker keeps two alive for the link cut. Leases are short (FLOE_LEASE_MS, FLOE_LEADER_TTL_MS) so recovery shows
 * within the test's time. Scenarios, in order: a node of an older schema refused; two schedulers racing on one slot; the
 * scheduler leader killed; PostgreSQL restarted under load; kill -9 of a worker mid-run; a worker's link cut for 60 s
 * then restored; and the database password in no log, error, API response or page of any node.
 */
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SCHEMA_VERSION } from "../../src/store/index.ts";
import { pipelineSource, waitFor } from "../daemon/helpers.ts";
import { CLUSTER_PASSWORD, createCluster, type Cluster, type ClusterNode } from "./cluster.ts";
import { netnsUnavailable } from "./netns.ts";

const skip = netnsUnavailable();
const LEASE_MS = 6_000;
const TERMINAL = ["Completed", "Failed", "Cancelled", "Crashed", "TimedOut"];

const tick = pipelineSource("tick", `.task("t", () => "tock")`, `schedules: [{ name: "every-5s", cron: "*/5 * * * * *", catchUp: "latest", overlap: "allow" }]`);
const hello = pipelineSource("hello", `.task("greet", ({ params }) => "hello " + params.who)`, `params: z.object({ who: z.string().default("world") })`);
// Task b waits (polling the shared disk) until the test writes its release file: a run is held mid-task at will.
const hold = `import { existsSync } from "node:fs";\n` + pipelineSource("hold", `.task("a", () => 1)
  .task("b", { needs: ["a"] }, async ({ params }) => {
    while (!existsSync(params.release)) await new Promise((r) => setTimeout(r, 200));
    return process.pid;
  })`, `resume: true, params: z.object({ release: z.string() })`);

const env = { FLOE_LEASE_MS: String(LEASE_MS), FLOE_LEADER_TTL_MS: String(LEASE_MS), FLOE_CLAIM_POLL_MS: "500" };
let cluster: Cluster;
let api: ClusterNode;
const schedulers: ClusterNode[] = [];
const workers: ClusterNode[] = [];

before(async () => {
  if (skip) return;
  cluster = await createCluster({
    slots: 7, files: { "pipelines/tick.ts": tick, "pipelines/hello.ts": hello, "pipelines/hold.ts": hold },
    config: "{ daemon: { shutdownGraceMs: 300 } }",
  });
  // Started together: each boots while the others do (a loaded 2-core machine takes tens of seconds per node).
  const started = await Promise.all([
    cluster.start(0, "api", env), cluster.start(1, "scheduler", env), cluster.start(2, "scheduler", env),
    cluster.start(3, "worker", env), cluster.start(4, "worker", env), cluster.start(5, "worker", env),
  ]);
  api = started[0];
  schedulers.push(started[1], started[2]);
  workers.push(started[3], started[4], started[5]);
});
after(() => cluster?.destroy());

const alive = (n: ClusterNode): boolean => n.proc.exitCode === null && n.proc.signalCode === null;
/** The nodes a scenario has not killed. */
const up = (): ClusterNode[] => [api, ...schedulers, ...workers].filter(alive);

/** Runs per (schedule, slot): a slot fired twice shows as 2. */
async function slotCounts(): Promise<number[]> {
  const rows = await cluster.store.sql.all<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE schedule_id IS NOT NULL GROUP BY schedule_id, slot_at");
  return rows.map((r) => Number(r.n));
}

const leaderOf = async (): Promise<string | undefined> => {
  const row = await cluster.store.sql.get<{ holder: string; expires_at: number }>("SELECT holder, expires_at FROM leadership WHERE name = 'scheduler'");
  return row && Number(row.expires_at) > Date.now() ? row.holder : undefined;
};

async function submit(pipeline: string, params: Record<string, unknown> = {}): Promise<string> {
  const res = await api.request(`/api/pipelines/${pipeline}/runs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ params }) });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

interface RunRow { state: string; node: string | null; ended_at: number | null; error: string | null }
async function runRow(id: string): Promise<RunRow> {
  return (await cluster.store.sql.get<RunRow>("SELECT state, node, ended_at, error FROM runs WHERE id = ?", [id]))!;
}

/** A hold run with task b running on some worker; its release file and the worker. */
async function heldRun(): Promise<{ id: string; release: string; on: ClusterNode }> {
  const release = join(cluster.project.dir, `release-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const id = await submit("hold", { release });
  const node = await waitFor(async () => {
    const row = await cluster.store.sql.get<{ node: string | null; state: string }>(
      "SELECT t.node, t.state FROM task_runs t WHERE t.run_id = ? AND t.task = 'b'", [id]);
    return row?.state === "Running" && row.node ? row.node : undefined;
  }, 90_000, "task b running on a worker");
  return { id, release, on: workers.find((w) => w.id === node)! };
}

/** The run that resumed `id` (retry_of), once it exists. */
async function resumeOf(id: string, timeoutMs: number): Promise<string> {
  return waitFor(async () => (await cluster.store.sql.get<{ id: string }>("SELECT id FROM runs WHERE retry_of = ?", [id]))?.id, timeoutMs, `the resume of ${id}`);
}

async function ended(id: string, timeoutMs = 90_000): Promise<RunRow> {
  return waitFor(async () => {
    const row = await runRow(id);
    return TERMINAL.includes(row.state) ? row : undefined;
  }, timeoutMs, `run ${id} to end`);
}

test("a node whose floe knows an older schema than the database is refused (exit 1, both versions, no password)", { skip }, async () => {
  await cluster.store.sql.run("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, 'from a newer floe', 'x', 0)", [SCHEMA_VERSION + 1]);
  try {
    const refused = await cluster.start(6, "worker", env).then(() => undefined, (e: unknown) => (e as Error).message);
    assert.ok(refused, "the node started");
    assert.match(refused, /exited 1/);
    assert.match(refused, new RegExp(`has schema version ${SCHEMA_VERSION + 1}, newer than this floe .* \\(schema version ${SCHEMA_VERSION}\\): upgrade floe`));
    assert.match(refused, new RegExp(`postgres://floe@${cluster.net.nodes[6]!.hostAddr.replace(/\./g, "\\.")}:${cluster.port}/\\w+`), "host and port");
    assert.ok(!refused.includes(CLUSTER_PASSWORD));
  } finally {
    await cluster.store.sql.run("DELETE FROM schema_migrations WHERE version = ?", [SCHEMA_VERSION + 1]);
  }
});

test("two schedulers leading at once race on the same slots: one run per slot", { skip }, async (t) => {
  await waitFor(async () => (await slotCounts()).length >= 2, 90_000, "slots fired");
  // Two leaders, made so: the leader is frozen (SIGSTOP, a long GC pause or a stalled VM), its lease expired, and the
  // other scheduler takes it; thawed, the old leader still believes it leads until its next renewal, and its overdue
  // slot timers fire at once. Whether a slot falls inside that window is timing: the count is reported.
  const wonScheduler = (s: ClusterNode) => s.lines.filter((l) => l.event === "leader:won" && l.lease === "scheduler").length;
  const holder = await waitFor(leaderOf, 60_000, "a scheduler leader");
  const frozen = schedulers.find((s) => s.id === holder)!;
  const other = schedulers.find((s) => s !== frozen)!;
  frozen.proc.kill("SIGSTOP");
  try {
    await cluster.store.sql.run("UPDATE leadership SET expires_at = 0 WHERE name = 'scheduler'");
    // read from the database: on a loaded machine the lease may have passed to the other before the freeze
    await waitFor(async () => ((await leaderOf()) === other.id ? true : undefined), 30_000, "the other scheduler to take the lease");
    await new Promise((r) => setTimeout(r, 5_500)); // a slot (every 5 s) falls due while the old leader is frozen
  } finally {
    frozen.proc.kill("SIGCONT");
  }
  await waitFor(() => (frozen.lines.some((l) => l.event === "leader:lost" && l.lease === "scheduler") ? true : undefined), 30_000, "the thawed leader to step down");
  await new Promise((r) => setTimeout(r, 1_000));
  t.diagnostic(`slots fired by both schedulers: ${schedulers.flatMap((s) => s.lines.filter((l) => l.event === "schedule:exists")).length}`);
  assert.ok(schedulers.every((s) => wonScheduler(s) > 0), `both schedulers led: ${schedulers.map(wonScheduler)}`);
  assert.ok((await slotCounts()).every((n) => n === 1), "a slot has two runs");
});

test("the scheduler leader killed: the other scheduler takes the lease and fires the next slots", { skip }, async () => {
  const holder = await waitFor(leaderOf, 60_000, "a scheduler leader");
  const leader = schedulers.find((s) => s.id === holder)!;
  const other = schedulers.find((s) => s !== leader)!;
  await leader.kill9();
  const killedAt = Date.now();
  await waitFor(async () => ((await leaderOf()) === other.id ? true : undefined), 60_000, "the other scheduler to lead");
  await waitFor(async () => {
    const row = await cluster.store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE schedule_id IS NOT NULL AND slot_at > ?", [killedAt + 1000]);
    return Number(row?.n) >= 2;
  }, 60_000, "slots after the kill");
  assert.ok((await slotCounts()).every((n) => n === 1), "a slot has two runs");
  // Ran by workers: the runs name them.
  const ran = await waitFor(async () => {
    const rows = await cluster.store.sql.all<{ node: string }>("SELECT DISTINCT node FROM runs WHERE schedule_id IS NOT NULL AND slot_at > ? AND node IS NOT NULL", [killedAt + 1000]);
    return rows.length > 0 ? rows.map((r) => r.node) : undefined;
  }, 60_000, "a run after the kill started");
  assert.ok(ran.every((n) => workers.some((w) => w.id === n)), `runs ran on ${ran}`);
  // The schedule has served its turn: its pipeline is removed (the scheduler nodes reload) and its backlog cancelled,
  // so the next scenarios' runs are not queued behind it.
  cluster.project.remove("pipelines/tick.ts");
  for (const s of schedulers.filter(alive)) {
    await waitFor(() => s.lines.some((l) => l.event === "pipeline:remove" && l.pipeline === "tick"), 60_000, `${s.id} to drop the tick pipeline`);
  }
  const open = await cluster.store.sql.all<{ id: string }>("SELECT id FROM runs WHERE pipeline = 'tick' AND state IN ('Pending', 'Running')");
  for (const { id } of open) await api.request(`/api/runs/${id}/cancel`, { method: "POST" });
  await waitFor(async () => {
    const row = await cluster.store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE pipeline = 'tick' AND state NOT IN ('Completed', 'Failed', 'Cancelled', 'Crashed', 'TimedOut')");
    return Number(row?.n) === 0;
  }, 60_000, "the tick runs to end");
});

test("PostgreSQL restarted under load: every run ends (Crashed by lease expiry at worst), none runs twice, every node stays up", { skip }, async () => {
  const nodes = up();
  const ids: string[] = [];
  for (let i = 0; i < 8; i++) ids.push(await submit("hello", { who: `n${i}` }));
  await cluster.restartPostgres(2_000);
  for (let i = 8; i < 12; i++) ids.push(await waitFor(() => submit("hello", { who: `n${i}` }).catch(() => undefined), 60_000, "the api to submit again"));
  // A run in flight may outlive its lease if the outage (and a loaded machine) outlasts it: then it ends Crashed by
  // lease expiry, never runs twice. Runs submitted after the restart complete.
  const rows: RunRow[] = [];
  for (const id of ids) rows.push(await ended(id, 120_000));
  const states = rows.map((r) => r.state);
  const why = JSON.stringify(rows.map((r) => [r.state, r.node, r.error]));
  assert.ok(states.every((s) => s === "Completed" || s === "Crashed"), why);
  assert.deepEqual(states.slice(8), ["Completed", "Completed", "Completed", "Completed"], why);
  // One process per run: every greet ran at most once (a run started twice would show two attempts).
  const attempts = await cluster.store.sql.all<{ attempts: number }>(`SELECT attempts FROM task_runs WHERE run_id IN (${ids.map(() => "?").join(",")})`, ids);
  assert.ok(attempts.every((a) => Number(a.attempts) <= 1), JSON.stringify(attempts));
  assert.ok(nodes.every(alive), "a node exited");
});

test("kill -9 of a worker mid-run: its lease expires, the run is Crashed and resumed on another worker", { skip }, async () => {
  const { id, release, on } = await heldRun();
  const survivors = workers.filter((w) => w !== on && alive(w)).map((w) => w.id);
  await on.kill9();
  const next = await resumeOf(id, 90_000);
  assert.equal((await ended(id)).state, "Crashed");
  writeFileSync(release, "go");
  const done = await ended(next);
  assert.equal(done.state, "Completed");
  assert.ok(done.node && survivors.includes(done.node), `resumed on ${done.node}, not on ${survivors}`);
  const b = await cluster.store.sql.get<{ state: string; node: string | null }>("SELECT state, node FROM task_runs WHERE run_id = ? AND task = 'b'", [next]);
  assert.deepEqual([b?.state, b?.node], ["Completed", done.node]);
});

test("a worker's link cut for 60 s: its run is resumed elsewhere; back online it cannot write to the run it lost", { skip }, async () => {
  const { id, release, on } = await heldRun();
  const survivor = workers.find((w) => w !== on && alive(w))!;
  on.net.cut();
  const cutAt = Date.now();
  try {
    const next = await resumeOf(id, 60_000);
    const lost = await ended(id);
    assert.equal(lost.state, "Crashed");
    // The cut-off worker's task sees the release too and finishes: its writes must not land.
    writeFileSync(release, "go");
    const done = await ended(next);
    assert.deepEqual([done.state, done.node], ["Completed", survivor.id]);
    await new Promise((r) => setTimeout(r, Math.max(0, cutAt + 60_000 - Date.now())));
  } finally {
    on.net.restore();
  }
  // Back: it reports again, and nothing it held on to reached the lost run.
  await waitFor(async () => {
    const row = await cluster.store.sql.get<{ heartbeat_at: number }>("SELECT heartbeat_at FROM nodes WHERE id = ?", [on.id]);
    return row && Number(row.heartbeat_at) > cutAt + 60_000;
  }, 60_000, "the worker's heartbeat after the cut");
  await new Promise((r) => setTimeout(r, 3_000)); // time for anything it kept to be tried
  const lost = await runRow(id);
  assert.equal(lost.state, "Crashed");
  const late = await cluster.store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE run_id = ? AND at > ?", [id, lost.ended_at]);
  assert.equal(Number(late?.n), 0, "an event was accepted after the run ended (a stale fence)");
  const b = await cluster.store.sql.get<{ state: string }>("SELECT state FROM task_runs WHERE run_id = ? AND task = 'b'", [id]);
  assert.notEqual(b?.state, "Completed");
  assert.ok(existsSync(release));
  assert.ok(alive(on), "the worker exited instead of rejoining");
});

test("the database password shows in no log, error, API response or page of any node", { skip }, async () => {
  const run = await submit("hello");
  assert.equal((await ended(run)).state, "Completed");
  const bodies: string[] = [];
  for (const path of ["/api/health", "/api/pipelines", `/api/runs/${run}`, `/api/runs/${run}/logs`, `/api/runs/${run}/events`, "/api/runs", "/api/schedules",
    "/metrics", "/openapi.json", "/", "/runs", `/runs/${run}`, "/pipelines", "/api/nope", "/api/runs/NOPE"]) {
    bodies.push(await (await api.request(path)).text());
  }
  bodies.push(await (await api.request("/api/pipelines/hello/runs", { method: "POST", headers: { "content-type": "application/json" }, body: "{\"params\":{\"who\":5}}" })).text());
  for (const node of [...schedulers, ...workers].filter(alive)) {
    for (const path of ["/metrics", "/healthz", "/api/health", "/nope"]) bodies.push(await (await node.request(path)).text());
  }
  // Worker-only nodes' own listener: their metrics (labelled with their id and role) and their health.
  const seen = { renewed: false, claimed: false };
  for (const worker of workers.filter(alive)) {
    const metrics = await (await worker.request("/metrics")).text();
    const labels = `node="${worker.id}",role="worker"`;
    assert.ok(metrics.includes(`floe_node_info{host=`) && metrics.includes(labels), metrics.slice(0, 500));
    assert.match(metrics, new RegExp(`^floe_queue_depth\\{${labels}\\} \\d+`, "m"));
    seen.renewed ||= new RegExp(`^floe_lease_renewals_total\\{lease="run",${labels}\\} [1-9]`, "m").test(metrics);
    seen.claimed ||= new RegExp(`^floe_claim_latency_seconds_count\\{${labels}\\} [1-9]`, "m").test(metrics);
    const health = await worker.request("/healthz");
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { node: string }).node, worker.id);
  }
  assert.deepEqual(seen, { renewed: true, claimed: true }, "a worker claimed runs and renewed their leases");
  for (const body of bodies) assert.ok(!body.includes(CLUSTER_PASSWORD), `a response holds the password: ${body.slice(0, 200)}`);
  assert.ok(bodies.some((b) => b.includes("hello world")) && bodies.some((b) => b.includes("floe_node_info")), "the responses were real");
  const output = cluster.allOutput();
  assert.ok(output.includes("leader:won") && output.length > 10_000, "the nodes logged");
  assert.ok(!output.includes(CLUSTER_PASSWORD), "a log line holds the password");
});
