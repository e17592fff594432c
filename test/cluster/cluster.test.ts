/**
 * The cluster on simulated machines: floe nodes in their own network namespaces (test/cluster/netns.ts), one
 * PostgreSQL in the root namespace, one shared cluster for the file. Scenarios: the scheduler leader killed (the
 * next slot fired by another node); the database password in no log, error, API response or page.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { pipelineSource, waitFor } from "../daemon/helpers.ts";
import { CLUSTER_PASSWORD, createCluster, type Cluster, type ClusterNode } from "./cluster.ts";
import { netnsUnavailable } from "./netns.ts";

const skip = netnsUnavailable();
let cluster: Cluster;
const tick = pipelineSource("tick", `.task("t", () => "tock")`, `schedules: [{ name: "every-second", cron: "* * * * * *", catchUp: "latest", overlap: "allow" }]`);
const hello = pipelineSource("hello", `.task("greet", ({ params }) => "hello " + params.who)`, `params: z.object({ who: z.string().default("world") })`);

before(async () => {
  if (skip) return;
  cluster = await createCluster({ slots: 3, files: { "pipelines/tick.ts": tick, "pipelines/hello.ts": hello }, config: "{ daemon: { shutdownGraceMs: 300 } }" });
});
after(() => cluster?.destroy());

/** Runs per (schedule, slot): a slot fired twice would show as 2. */
async function slotCounts(): Promise<number[]> {
  const rows = await cluster.store.sql.all<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE schedule_id IS NOT NULL GROUP BY schedule_id, slot_at");
  return rows.map((r) => Number(r.n));
}

const leaderOf = async (): Promise<string | undefined> =>
  (await cluster.store.sql.get<{ holder: string; expires_at: number }>("SELECT holder, expires_at FROM leadership WHERE name = 'scheduler'"))?.holder;

test("the scheduler leader killed: another node takes the lease and fires the next slots, none twice", { skip }, async () => {
  const a = await cluster.start(0, "all");
  const b = await cluster.start(1, "all");
  const first = await waitFor(async () => {
    const holder = await leaderOf();
    return holder === a.id || holder === b.id ? holder : undefined;
  }, 60_000, "a scheduler leader");
  const [leader, other] = (first === a.id ? [a, b] : [b, a]) as [ClusterNode, ClusterNode];
  await waitFor(async () => (await slotCounts()).length >= 2, 60_000, "slots fired by the first leader");
  await leader.kill9();
  const killedAt = Date.now();
  await waitFor(async () => ((await leaderOf()) === other.id ? true : undefined), 60_000, "the other node to lead");
  const fired = await waitFor(async () => {
    const row = await cluster.store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE schedule_id IS NOT NULL AND slot_at > ?", [killedAt + 1000]);
    return Number(row?.n) >= 2 ? Number(row!.n) : undefined;
  }, 60_000, "slots after the kill");
  assert.ok(fired >= 2);
  assert.ok((await slotCounts()).every((n) => n === 1), "a slot fired twice");
  // The survivor ran what it fired: the run names it.
  const ran = await waitFor(async () => {
    const rows = await cluster.store.sql.all<{ node: string | null }>("SELECT node FROM runs WHERE schedule_id IS NOT NULL AND slot_at > ? AND node IS NOT NULL", [killedAt + 1000]);
    return rows.length > 0 ? rows : undefined;
  }, 60_000, "a run started after the kill");
  assert.deepEqual([...new Set(ran.map((r) => r.node))], [other.id]);
});

test("the database password shows in no log, error, API response or page of any node", { skip }, async () => {
  const node = cluster.nodes.find((n) => n.proc.exitCode === null && n.proc.signalCode === null)!;
  const run = (await (await node.request("/api/pipelines/hello/runs", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as { id: string };
  await waitFor(async () => {
    const r = (await (await node.request(`/api/runs/${run.id}`)).json()) as { state: string };
    return r.state === "Completed";
  }, 60_000, "the hello run");
  const bodies: string[] = [];
  for (const path of ["/api/health", "/api/pipelines", `/api/runs/${run.id}`, `/api/runs/${run.id}/logs`, `/api/runs/${run.id}/events`, "/api/runs", "/api/schedules",
    "/metrics", "/openapi.json", "/", "/runs", `/runs/${run.id}`, "/pipelines/hello", "/api/nope", "/api/runs/NOPE"]) {
    bodies.push(await (await node.request(path)).text());
  }
  // A bad request's error, too.
  bodies.push(await (await node.request("/api/pipelines/hello/runs", { method: "POST", headers: { "content-type": "application/json" }, body: "{\"params\":{\"who\":5}}" })).text());
  for (const body of bodies) assert.ok(!body.includes(CLUSTER_PASSWORD), `a response holds the password: ${body.slice(0, 200)}`);
  assert.ok(bodies.some((b) => b.includes("hello world")), "the responses were real");
  const output = cluster.allOutput();
  assert.ok(output.length > 1000, "the nodes logged");
  assert.ok(!output.includes(CLUSTER_PASSWORD), "a log line holds the password");
});
