/**
 * Append and region writes into Zarr v2 groups (a folder xarray 2023.01 wrote, and floe's `zarrFormat: 2`
 * output): v2 keys and `.zarray`/`.zmetadata` kept, values read back equal, refusals write nothing.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type Dataset, type Variable, type VariableData, appendDataset, openDataset, readVariable, writeDataset, writeRegion, writeTemplate } from "../../src/data/index.ts";
import { FIXTURES, copyFixture, tempDir } from "./helpers.ts";

const SOURCE = join(FIXTURES, "v2-standard.zarr");

/** Rows [start, stop) of the time axis, every variable in memory, times moved by `shift` days. */
async function timeSlice(ds: Dataset, start: number, stop: number, shift = 0): Promise<Dataset> {
  const variables: Record<string, Variable> = {};
  for (const v of Object.values(ds.variables)) {
    let values = await readVariable(v);
    if (v.name === "time") values = BigInt64Array.from(values as BigInt64Array, (d) => d + BigInt(shift));
    const row = v.shape.slice(1).reduce((a, b) => a * b, 1);
    const along = v.dims[0] === "time";
    variables[v.name] = { ...v, lazy: undefined, values: along ? (values.slice(start * row, stop * row) as VariableData) : values, shape: along ? [stop - start, ...v.shape.slice(1)] : v.shape };
  }
  return { ...ds, dims: { ...ds.dims, time: stop - start }, variables, store: undefined };
}

/** Every file under a folder with its modification time (to see that nothing was written). */
const files = (root: string): Map<string, number> =>
  new Map((readdirSync(root, { recursive: true }) as string[]).filter((f) => statSync(join(root, f)).isFile()).map((f) => [f, statSync(join(root, f)).mtimeMs] as const));

test("append to a Zarr v2 group written by xarray: v2 keys, .zarray and .zmetadata updated, values as the source", async () => {
  const dir = tempDir();
  try {
    const store = copyFixture("v2-standard.zarr", dir.path);
    const source = await openDataset(SOURCE);
    // 10 more days after the stored 400 (xarray's blosc-lz4 chunks of 30: the last stored chunk is merged).
    await appendDataset(store, "", await timeSlice(source, 0, 10, 400));
    assert.equal(JSON.parse(readFileSync(join(store, "temp", ".zarray"), "utf8")).shape[0], 410);
    assert.equal(JSON.parse(readFileSync(join(store, ".zmetadata"), "utf8")).metadata["time/.zarray"].shape[0], 410);
    assert.ok(existsSync(join(store, "temp", "13.0.0")) && !existsSync(join(store, "temp", "c")), "v2 chunk keys");
    const back = await openDataset(store);
    assert.deepEqual(back.dims.time, 410);
    const before = (await readVariable(source.variables.temp!)) as Float32Array;
    const after = (await readVariable(back.variables.temp!)) as Float32Array;
    assert.deepEqual(after.slice(0, before.length), before, "stored values kept");
    assert.deepEqual(after.slice(before.length), before.slice(0, 10 * 48), "appended values");
    const times = Array.from((await readVariable(back.variables.time!)) as BigInt64Array, Number);
    const stored = Array.from((await readVariable(source.variables.time!)) as BigInt64Array, Number);
    assert.deepEqual(times.slice(400), stored.slice(0, 10).map((d) => d + 400));

    // Refused before anything is written: overlapping times, and a v2 filter floe has no codec for.
    const untouched = files(store);
    await assert.rejects(appendDataset(store, "", await timeSlice(source, 0, 10, 395)), /cannot append: new time 0 .* is not after the last stored time/);
    const zarray = join(store, "temp", ".zarray");
    writeFileSync(zarray, JSON.stringify({ ...JSON.parse(readFileSync(zarray, "utf8")), filters: [{ id: "fixedscaleoffset", offset: 0, scale: 10, dtype: "<f4" }] }));
    const meta = join(store, ".zmetadata");
    const consolidated = JSON.parse(readFileSync(meta, "utf8"));
    consolidated.metadata["temp/.zarray"].filters = [{ id: "fixedscaleoffset", offset: 0, scale: 10, dtype: "<f4" }];
    writeFileSync(meta, JSON.stringify(consolidated));
    const edited = files(store);
    await assert.rejects(appendDataset(store, "", await timeSlice(source, 0, 10, 500)), {
      _tag: "UnsupportedError",
      message: /variable "temp" attribute "filters": cannot write chunks with codec "numcodecs.fixedscaleoffset" \(Zarr v2\)/,
    });
    assert.deepEqual(files(store), edited, "nothing written by a refused append");
    assert.equal(untouched.size, edited.size);
  } finally {
    dir.remove();
  }
});

test("zarrFormat 2: a template then region writes, then an append, all in v2", async () => {
  const dir = tempDir();
  try {
    const source = await openDataset(SOURCE);
    const out = join(dir.path, "out.zarr");
    const coords = Object.fromEntries(await Promise.all(source.coords.map(async (n) => [n, { ...source.variables[n]!, lazy: undefined, values: await readVariable(source.variables[n]!) }])));
    const first = await timeSlice(source, 0, 300);
    await writeTemplate(out, "ocean", { ...source, dims: first.dims, variables: { ...first.variables, ...coords, time: first.variables.time!, temp: { ...source.variables.temp!, shape: [300, 6, 8] } } }, { zarrFormat: 2, chunksByDim: { time: 100 } });
    for (const [start, stop] of [[0, 100], [100, 300]] as const) {
      const part = await timeSlice(source, start, stop);
      await writeRegion(out, "ocean", { ...part, variables: { temp: part.variables.temp! } }, { region: { time: [start, stop] } });
    }
    const part = await timeSlice(source, 150, 250);
    await assert.rejects(writeRegion(out, "ocean", { ...part, variables: { temp: part.variables.temp! } }, { region: { time: [150, 250] } }), /does not align with chunks of 100/);
    await appendDataset(out, "ocean", await timeSlice(source, 300, 400));
    assert.ok(existsSync(join(out, "ocean", "temp", "3.0.0")) && existsSync(join(out, "ocean", ".zmetadata")));
    const back = await openDataset(out, { group: "ocean" });
    for (const name of ["temp", "time", "lat", "lon", "depth"]) {
      assert.deepEqual(await readVariable(back.variables[name]!), await readVariable(source.variables[name]!), name);
    }
  } finally {
    dir.remove();
  }
});
