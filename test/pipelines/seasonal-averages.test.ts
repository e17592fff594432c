/**
 * The seed job end to end through floe/testing, on a real local repository: its labelled-API `average` task
 * commits what `seasonalMean` computes, and a corrupted chunk fails the task with the chunk's key.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Client } from "floe/arraylake";
import { createSyntheticOceanTemp, openDataset, readVariable, seasonalMean } from "floe/data";
import { createTestEnvironment, type TestEnvironment } from "floe/testing";
import seasonal from "../../pipelines/seasonal-averages.ts";

const clients: Client[] = [];
after(() => clients.forEach((c) => c.close()));

async function seeded(env: TestEnvironment) {
  const client = new Client({ token: undefined, localReposDir: env.localReposDir });
  clients.push(client);
  const repo = await client.createRepo("my-climate-company/ocean-data");
  const session = await repo.writableSession("main");
  await createSyntheticOceanTemp(session.store, "xarray/ocean-temp", { days: 300, resolution: 15, chunks: [30, 12, 24] });
  await session.commit("seed");
  return repo;
}

test("seasonal-averages commits what seasonalMean computes; a corrupted chunk fails the task naming its key", async () => {
  await using env = createTestEnvironment();
  const repo = await seeded(env);
  const done = await env.run(seasonal);
  assert.equal(done.state, "Completed", JSON.stringify(done.run.tasks.map((t) => [t.task, t.state, t.error?.message])));
  const { snapshotId } = done.results.write as { snapshotId: string };
  const session = await repo.readonlySession({ snapshotId });
  const written = await openDataset(session, { group: "xarray/avg-season-temps" });
  const expected = await seasonalMean(await openDataset(session, { group: "xarray/ocean-temp" }), { variables: ["temp"] });
  assert.deepEqual(written.variables.temp!.dims, ["season", "lat", "lon"]);
  assert.deepEqual(await readVariable(written.variables.season!), expected.variables.season!.values);
  assert.deepEqual(await readVariable(written.variables.temp!), expected.variables.temp!.values);

  const writer = await repo.writableSession("main");
  await writer.store.set("/xarray/ocean-temp/temp/c/2/0/0", new Uint8Array([40, 181, 47, 253, 1, 2, 3, 4, 5, 6]));
  await writer.commit("a damaged chunk");
  const failed = await env.run(seasonal);
  assert.equal(failed.state, "Failed");
  const average = failed.run.tasks.find((t) => t.task === "average")!;
  assert.equal(average.state, "Failed");
  assert.match(average.error?.message ?? "", /chunk "xarray\/ocean-temp\/temp\/c\/2\/0\/0"/);
});
