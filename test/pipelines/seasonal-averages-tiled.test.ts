/**
 * The tiled seed job: its seasonal means equal `seasonal-averages`' and land as exactly one commit on the target
 * branch, in process (floe/testing) and on a SQLite daemon, where the tiles are task jobs the daemon claims itself.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Client, type ArraylakeRepo } from "floe/arraylake";
import { createSyntheticOceanTemp, openDataset, readVariable } from "floe/data";
import { createTestEnvironment } from "floe/testing";
import seasonal from "../../pipelines/seasonal-averages.ts";
import tiled from "../../pipelines/seasonal-averages-tiled.ts";

const clients: Client[] = [];
after(() => clients.forEach((c) => c.close()));

async function seed(localReposDir: string): Promise<ArraylakeRepo> {
  const client = new Client({ token: undefined, localReposDir });
  clients.push(client);
  const repo = await client.createRepo("my-climate-company/ocean-data");
  const session = await repo.writableSession("main");
  await createSyntheticOceanTemp(session.store, "xarray/ocean-temp", { days: 200, resolution: 15, chunks: [30, 12, 24] });
  await session.commit("seed");
  return repo;
}

/** The target group's variables as plain arrays, at a snapshot. */
async function values(repo: ArraylakeRepo, snapshotId: string): Promise<Record<string, unknown>> {
  const ds = await openDataset(await repo.readonlySession({ snapshotId }), { group: "xarray/avg-season-temps" });
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(ds.variables).sort()) out[name] = Array.from(await readVariable(ds.variables[name]!) as ArrayLike<unknown>);
  return out;
}

test("in process: the tiled means equal seasonal-averages' and land as one commit; the run branch is gone", async () => {
  await using env = createTestEnvironment();
  const repo = await seed(env.localReposDir);
  const single = await env.run(seasonal);
  assert.equal(single.state, "Completed");
  const expected = await values(repo, (single.results.write as { snapshotId: string }).snapshotId);
  const before = await repo.lookupBranch("main");
  const done = await env.run(tiled, { params: { tiles: 6 } });
  assert.equal(done.state, "Completed", JSON.stringify(done.run.tasks.map((t) => [t.task, t.state, t.error?.message])));
  const landed = done.results.land as { snapshotId: string; tiles: number };
  assert.equal(landed.tiles, 6);
  const history = await repo.ancestry({ branch: "main" });
  assert.equal(history[0]!.id, landed.snapshotId);
  assert.equal(history[1]!.id, before, "exactly one commit on main");
  assert.deepEqual(await values(repo, landed.snapshotId), expected);
  assert.deepEqual(await repo.listBranches(), ["main"]);
});
