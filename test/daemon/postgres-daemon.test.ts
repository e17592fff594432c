/**
 * The daemon on PostgreSQL end to end (FLOE_DATABASE_URL): runs a submitted run in its own process, records its
 * logs there, reports itself as a node and leads the scheduler; nothing is written to state/floe.db.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { clusterCommand, type ClusterStatus } from "../../src/cli/cluster.ts";
import { PG_PASSWORD, postgresAdapter, type Adapter } from "../store/adapters.ts";
import { makeProject, pipelineSource, startDaemon, waitFor, waitRun } from "./helpers.ts";

let pg: Adapter;
before(async () => {
  pg = await postgresAdapter();
});
after(() => pg?.cleanup());

const hello = pipelineSource("hello", `.task("greet", ({ params }) => { console.log("hi " + params.who); return "hello " + params.who; })`,
  `params: z.object({ who: z.string().default("world") })`);

test("a daemon keeps its state in PostgreSQL and leads the scheduler there", async () => {
  const url = await pg.freshUrl!();
  const project = makeProject({ "pipelines/hello.ts": hello }, "{ daemon: { shutdownGraceMs: 300 } }");
  after(() => project.cleanup());
  const d = await startDaemon(project, { FLOE_DATABASE_URL: url });
  try {
    const { status, body } = await d.post("/api/pipelines/hello/runs", { params: { who: "postgres" } });
    assert.equal(status, 201);
    const run = await waitRun(d, body.id);
    assert.equal(run.state, "Completed");
    assert.equal(run.tasks[0].result, "hello postgres");
    const logs = await d.get(`/api/runs/${body.id}/logs`);
    assert.ok(logs.items.some((l: { message: string }) => l.message.includes("hi postgres")));
    const out: string[] = [];
    const io = { cwd: project.dir, env: { FLOE_DATABASE_URL: url }, isTTY: false, stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) };
    const s = await waitFor(async () => {
      out.length = 0;
      await clusterCommand.run(["status", "--json"], io);
      const parsed = JSON.parse(out.join("")) as ClusterStatus;
      return parsed.scheduler.leader !== null ? parsed : undefined;
    }, 30_000, "a scheduler leader");
    assert.equal(s.nodes.length, 1);
    assert.equal(s.nodes[0]!.role, "all");
    assert.equal(s.scheduler.leader, s.nodes[0]!.id);
    // The node that ran the run and its task, in the API (and the run document built from it).
    assert.deepEqual([run.node, run.tasks[0].node], [s.nodes[0]!.id, s.nodes[0]!.id]);
    // The API's /metrics carries this node's own series, labelled with its id and role.
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    const labels = `node="${s.nodes[0]!.id}",role="all"`;
    assert.ok(metrics.includes(`floe_node_info{host="${s.nodes[0]!.host}",${labels}} 1`), metrics);
    assert.ok(metrics.includes(`floe_claim_latency_seconds_count{${labels}} 1`));
    assert.ok(metrics.includes(`floe_node_runs{state="running",${labels}} 0`));
    assert.match(metrics, /^floe_lease_renewals_total\{lease="scheduler",node=/m);
    assert.ok(!metrics.includes(PG_PASSWORD));
    assert.ok(!out.join("").includes(PG_PASSWORD));
    assert.ok(!d.stderr().includes(PG_PASSWORD) && !JSON.stringify(d.lines).includes(PG_PASSWORD));
    assert.equal(existsSync(join(project.stateDir, "floe.db")), false);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});
