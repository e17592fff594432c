/**
 * The `anomalies` pipeline end to end through floe/testing: a real local repository seeded with floe's synthetic
 * data, a real run, the three committed groups read back and compared with what xarray 2023.01 computes on the
 * same values (test/fixtures/data/ops/expected-anomalies.json, made by generate_anomalies.py).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, test } from "node:test";
import { Client } from "floe/arraylake";
import { createSyntheticOceanTemp, openDataset, readVariable } from "floe/data";
import { createTestEnvironment, type TestEnvironment } from "floe/testing";
import anomalies from "../../pipelines/anomalies.ts";
import { ANOMALIES_INPUT } from "../fixtures/data/ops/anomalies-input.ts";
import { disagreements } from "../data/time-helpers.ts";

interface Part {
  dims: string[];
  shape: number[];
  dtype: string;
  values: (number | null)[];
  rows?: number[];
  month?: number[];
  coords?: string[];
}
type Case = Record<"climatology" | "anomaly" | "global-mean", Part>;
const expected = JSON.parse(readFileSync(new URL("../fixtures/data/ops/expected-anomalies.json", import.meta.url), "utf8")) as {
  columns: [number, number][];
  whole: Case;
  baseline: Case;
};

const clients: Client[] = [];
after(() => clients.forEach((c) => c.close()));

async function seeded(env: TestEnvironment): Promise<Client> {
  const client = new Client({ token: undefined, localReposDir: env.localReposDir });
  clients.push(client);
  const repo = await client.createRepo("my-climate-company/ocean-data");
  const session = await repo.writableSession("main");
  await createSyntheticOceanTemp(session.store, "xarray/ocean-temp", ANOMALIES_INPUT);
  await session.commit("seed");
  return client;
}

function agree(actual: ArrayLike<number | bigint>, want: (number | null)[], what: string): void {
  const { bad, nan, worst } = disagreements(Array.from(actual, Number), want);
  assert.ok(bad === 0 && nan === 0, `${what}: ${bad} values and ${nan} NaN differ (first ${worst})`);
}

async function check(client: Client, snapshotId: string, want: Case): Promise<void> {
  const session = await (await client.getRepo("my-climate-company/ocean-data")).readonlySession({ snapshotId });
  const source = await openDataset(session, { group: "xarray/ocean-temp" });
  const clim = await openDataset(session, { group: "xarray/anomalies/climatology" });
  assert.deepEqual(clim.variables.temp!.dims, want.climatology.dims);
  assert.equal(clim.variables.temp!.dtype, want.climatology.dtype);
  assert.deepEqual(Array.from((await readVariable(clim.variables.month!)) as BigInt64Array, Number), want.climatology.month);
  agree((await readVariable(clim.variables.temp!)) as Float32Array, want.climatology.values, "climatology");

  const anomaly = await openDataset(session, { group: "xarray/anomalies/anomaly" });
  const temp = anomaly.variables.temp!;
  assert.deepEqual([...temp.dims], want.anomaly.dims);
  assert.deepEqual([...temp.shape], want.anomaly.shape);
  assert.deepEqual([...anomaly.coords].sort(), want.anomaly.coords);
  // Coordinates written as the source holds them (raw CF time values, units, calendar, lat/lon attributes).
  for (const name of ["time", "lat", "lon"]) {
    assert.deepEqual(anomaly.variables[name]!.attrs, source.variables[name]!.attrs, `${name} attributes`);
    assert.deepEqual(Array.from((await readVariable(anomaly.variables[name]!)) as ArrayLike<number | bigint>, Number), Array.from((await readVariable(source.variables[name]!)) as ArrayLike<number | bigint>, Number), `${name} values`);
  }
  const values = (await readVariable(temp)) as Float32Array;
  const [, nlat, nlon] = temp.shape as [number, number, number];
  const kept = want.anomaly.rows!.flatMap((t) => expected.columns.map(([y, x]) => values[(t * nlat + y) * nlon + x]!));
  agree(kept, want.anomaly.values, "anomaly");

  const global = await openDataset(session, { group: "xarray/anomalies/global-mean" });
  assert.deepEqual([...global.variables.temp!.dims], want["global-mean"].dims);
  agree((await readVariable(global.variables.temp!)) as Float64Array, want["global-mean"].values, "global mean");
}

test("anomalies: climatology over a baseline, anomalies and the weighted global mean, committed once, as xarray computes them", async () => {
  await using env = createTestEnvironment();
  const client = await seeded(env);
  const { state, run, results } = await env.run(anomalies, { params: { baselineStart: "2021-03", baselineEnd: "2022-02" } });
  assert.equal(state, "Completed", JSON.stringify(run.tasks.map((t) => [t.task, t.state, t.error?.message])));
  const { snapshotId } = results.write as { snapshotId: string };
  const ancestry = await (await client.getRepo("my-climate-company/ocean-data")).ancestry({ branch: "main" });
  assert.equal(ancestry[0]!.message, "wrote monthly anomalies");
  assert.equal(ancestry[1]!.message, "seed");
  await check(client, snapshotId, expected.baseline);
  // the run page shows a quick look of the anomaly it wrote
  const artifacts = await env.store.sql.all<Record<string, string>>("SELECT task, kind, title, mime, text FROM artifacts WHERE run_id = ?", [run.id]);
  assert.deepEqual(artifacts.map((a) => [a.task, a.kind, a.title, a.mime]), [["write", "image", "Anomaly, first time step", "image/png"]]);
  assert.match(String(artifacts[0]?.text), /anomaly/i);

  const whole = await env.run(anomalies);
  assert.equal(whole.state, "Completed");
  await check(client, (whole.results.write as { snapshotId: string }).snapshotId, expected.whole);
});

test("anomalies: a baseline date the calendar does not have fails before anything is written", async () => {
  await using env = createTestEnvironment();
  const client = await seeded(env);
  const { state, run } = await env.run(anomalies, { params: { baselineStart: "2021-02-30" } });
  assert.equal(state, "Failed");
  assert.match(run.tasks.find((t) => t.task === "load")!.error!.message, /date "2021-02-30" does not exist in the proleptic_gregorian calendar/);
  assert.equal((await (await client.getRepo("my-climate-company/ocean-data")).ancestry({ branch: "main" })).length, 2);
});
