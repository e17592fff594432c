import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { type Dataset, type Variable, type VariableData, appendDataset, openDataset, readVariable, writeDataset, writeRegion, writeTemplate } from "floe/data";
import { localClient, tempDir } from "./helpers.ts";

const SOURCE = new URL("../fixtures/data/v2-standard.zarr", import.meta.url).pathname;

/** Rows [start, stop) of the time axis, every variable in memory (what a nightly job computes). */
async function timeSlice(ds: Dataset, start: number, stop: number, edit: (v: Variable) => Variable = (v) => v): Promise<Dataset> {
  const variables: Record<string, Variable> = {};
  for (const v of Object.values(ds.variables)) {
    const values = await readVariable(v);
    const axis = v.dims.indexOf("time");
    let out: Variable = { ...v, lazy: undefined, values };
    if (axis === 0) {
      const row = v.shape.slice(1).reduce((a, b) => a * b, 1);
      out = { ...out, shape: [stop - start, ...v.shape.slice(1)], values: values.slice(start * row, stop * row) as VariableData };
    }
    variables[v.name] = edit(out);
  }
  return { ...ds, dims: { ...ds.dims, time: stop - start }, variables, store: undefined };
}

async function setup() {
  const repo = await localClient().createRepo(join(tempDir(), "repo"));
  const source = await openDataset(SOURCE);
  return { repo, source };
}

test("append along time: re-encoded into the stored units, values and times equal the whole source; nothing is committed when refused", async () => {
  const { repo, source } = await setup();
  let session = await repo.writableSession("main");
  await writeDataset(session, "ocean", await timeSlice(source, 0, 300));
  await session.commit("first 300 days");
  // The nightly job's times arrive in other units: they are re-encoded into the stored "days since 1999-01-01".
  const hours = (v: Variable) =>
    v.name === "time" ? { ...v, dtype: "float64", attrs: { ...v.attrs, units: "hours since 1999-01-01" }, values: Float64Array.from(v.values as BigInt64Array, (d) => Number(d) * 24) } : v;
  session = await repo.writableSession("main");
  await appendDataset(session, "ocean", await timeSlice(source, 300, 400, hours));
  await session.commit("100 more days");
  const back = await openDataset(await repo.readonlySession({ branch: "main" }), { group: "ocean" });
  assert.deepEqual(back.dims, source.dims);
  for (const name of ["temp", "time", "lat", "lon", "depth"]) {
    assert.deepEqual(await readVariable(back.variables[name]!), await readVariable(source.variables[name]!), name);
  }
  assert.equal(back.variables.temp?.dtype, "float32");

  const tip = (await repo.ancestry({ branch: "main" }))[0]!.id;
  const refused = async (data: Dataset, message: RegExp) => {
    const s = await repo.writableSession("main");
    await assert.rejects(appendDataset(s, "ocean", data), { _tag: "InvalidDatasetError", message });
    assert.equal(s.hasUncommittedChanges, false, `nothing written for ${message}`);
    assert.equal((await repo.ancestry({ branch: "main" }))[0]!.id, tip);
  };
  const later = (days: number) => (v: Variable) => (v.name === "time" ? { ...v, values: BigInt64Array.from(v.values as BigInt64Array, (d) => d + BigInt(days)) } : v);
  await refused(await timeSlice(source, 390, 400), /variable "time": cannot append: new time 0 \(days since 1999-01-01: \d+\) is not after the last stored time/);
  await refused(await timeSlice(source, 0, 10, (v) => (v.name === "lat" ? { ...v, values: Float64Array.from(v.values as Float64Array, (x) => x + 1) } : later(400)(v))),
    /variable "lat": cannot append: values differ from the stored ones \(first at index 0\)/);
  await refused(await timeSlice(source, 0, 10, (v) => (v.name === "time" ? { ...v, attrs: { ...v.attrs, calendar: "noleap" } } : later(400)(v))),
    /calendar "noleap" differs from the stored "standard"/);
  await refused(await timeSlice(source, 0, 10, (v) => (v.name === "temp" ? { ...v, encoding: { ...v.encoding, dtype: "int16", scaleFactor: 0.01 } } : later(400)(v))),
    /variable "temp" attribute "dtype": cannot append: encoding dtype "int16" differs from the stored \(none\)/);
  const narrow = await timeSlice(source, 0, 10, later(400));
  const lon = narrow.variables.temp!;
  await refused({ ...narrow, variables: { ...narrow.variables, temp: { ...lon, shape: [10, 6, 4], values: (lon.values as Float32Array).slice(0, 240) } } },
    /variable "temp": cannot append: dimension "lon" has 4 elements, the stored 8/);
});

test("a template then region writes from separate sessions fill the group; misaligned regions are refused before writing", async () => {
  const { repo, source } = await setup();
  const template = await repo.writableSession("main");
  // Coordinates are in memory (written now), temp is lazy (metadata only): ds.to_zarr(compute=False).
  const coords = Object.fromEntries(await Promise.all(source.coords.map(async (n) => [n, { ...source.variables[n]!, lazy: undefined, values: await readVariable(source.variables[n]!) }])));
  await writeTemplate(template, "ocean", { ...source, variables: { ...source.variables, ...coords } }, { chunksByDim: { time: 100 } });
  await template.commit("template");
  const part = async (start: number, stop: number) => {
    const s = await repo.writableSession("main");
    const slice = await timeSlice(source, start, stop);
    await writeRegion(s, "ocean", { ...slice, variables: { temp: slice.variables.temp! } }, { region: { time: [start, stop] } });
    return s;
  };
  const [a, b] = await Promise.all([part(0, 200), part(200, 400)]);
  await a.commit("days 0-199");
  await b.commit("days 200-399", { rebaseAttempts: 2 });
  const back = await openDataset(await repo.readonlySession({ branch: "main" }), { group: "ocean" });
  assert.deepEqual(await readVariable(back.variables.temp!), await readVariable(source.variables.temp!));
  assert.deepEqual(await readVariable(back.variables.time!), await readVariable(source.variables.time!));

  const s = await repo.writableSession("main");
  const slice = await timeSlice(source, 150, 250);
  await assert.rejects(writeRegion(s, "ocean", { ...slice, variables: { temp: slice.variables.temp! } }, { region: { time: [150, 250] } }), {
    _tag: "InvalidDatasetError",
    message: /variable "temp" attribute "region": time \[150, 250\) does not align with chunks of 100/,
  });
  assert.equal(s.hasUncommittedChanges, false);
});
