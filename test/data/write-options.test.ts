import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import * as zarr from "zarrita";
import { type Dataset, type Variable, openDataset, readVariable, writeDataset } from "floe/data";
import { readRawChunk } from "../../src/data/dataset.ts";
import { FIXTURES, compare, copyFixture, tempDir } from "./helpers.ts";

const dir = tempDir();
after(() => dir.remove());
const zarrJson = (path: string) => JSON.parse(readFileSync(join(path, "zarr.json"), "utf8"));

test("packed data is written back packed with its encoding (same stored integers), or decoded when told", async () => {
  const source = await openDataset(join(FIXTURES, "v2-packed.zarr"));
  const out = join(dir.path, "packed.zarr");
  await writeDataset(out, "g", source);
  const temp = zarrJson(join(out, "g", "temp"));
  assert.equal(temp.data_type, "int16");
  assert.deepEqual([temp.attributes.scale_factor, temp.attributes.add_offset, temp.attributes._FillValue, temp.fill_value], [0.001, 15, -32768, -32768]);
  const back = await openDataset(out, { group: "g" });
  for (const name of ["temp", "anom", "ice", "count", "flags", "mv", "big"]) {
    const [a, b] = [source.variables[name]!, back.variables[name]!];
    assert.equal(b.dtype, a.dtype, name);
    assert.deepEqual(await readVariable(b), await readVariable(a), `${name}: decoded values`);
    assert.deepEqual((await readRawChunk(b, b.shape.map(() => 0))).data, (await readRawChunk(a, a.shape.map(() => 0))).data, `${name}: stored values`);
  }
  await writeDataset(out, "decoded", source, { encoding: { temp: null } });
  const decoded = zarrJson(join(out, "decoded", "temp"));
  assert.equal(decoded.data_type, "float32");
  assert.equal(decoded.attributes.scale_factor, undefined);
  assert.deepEqual(await readVariable((await openDataset(out, { group: "decoded" })).variables.temp!), await readVariable(source.variables.temp!));
});

test("a chosen CF encoding packs floats into int16; chunks by dimension and the compressor are honoured", async () => {
  const source = await openDataset(join(FIXTURES, "v2-standard.zarr"));
  const out = join(dir.path, "chosen.zarr");
  await writeDataset(out, "", source, {
    encoding: { temp: { dtype: "int16", scaleFactor: 0.01, addOffset: 15, fillValue: -32768, compressor: { name: "blosc", cname: "zstd", clevel: 3 } } },
    chunksByDim: { time: 100 },
    compressor: { name: "gzip", level: 1 },
  });
  const temp = zarrJson(join(out, "temp"));
  assert.equal(temp.data_type, "int16");
  assert.deepEqual(temp.chunk_grid.configuration.chunk_shape, [100, 3, 8]);
  assert.deepEqual(temp.codecs[1], { name: "blosc", configuration: { typesize: 2, cname: "zstd", clevel: 3, shuffle: "shuffle", blocksize: 0 } });
  assert.deepEqual(zarrJson(join(out, "time")).codecs[1], { name: "gzip", configuration: { level: 1 } });
  const back = await openDataset(out);
  assert.equal(back.variables.temp!.dtype, "float32");
  const expected = Array.from(await readVariable(source.variables.temp!) as Float32Array, (x) => (Number.isNaN(x) ? null : x));
  const { maxDiff, nanMismatches } = compare(await readVariable(back.variables.temp!) as Float32Array, expected);
  assert.equal(nanMismatches, 0);
  assert.ok(maxDiff <= 0.005 + 1e-5, `packing error ${maxDiff}`);
  assert.deepEqual(await readVariable(back.variables.time!), await readVariable(source.variables.time!));
});

test("bad input writes nothing: unsupported dtypes, values that do not fit the chosen type; a corrupted chunk names its key", async () => {
  const source = await openDataset(join(FIXTURES, "v2-standard.zarr"));
  const odd: Variable = { name: "c", dims: ["x"], shape: [2], dtype: "complex64", attrs: {}, encoding: { missing: [] }, values: new Float32Array(4) };
  const bad: Dataset = { ...source, variables: { ...source.variables, c: odd } };
  const out = join(dir.path, "bad.zarr");
  await assert.rejects(writeDataset(out, "g", bad), { _tag: "UnsupportedError", message: /variable "c" attribute "dtype": cannot write dtype "complex64"/ });
  assert.equal(existsSync(out), false, "nothing written");
  await assert.rejects(writeDataset(out, "g", source, { encoding: { temp: { dtype: "int8", scaleFactor: 0.01 } } }), {
    _tag: "ChunkError",
    message: /chunk "g\/temp\/c\/\d+\/\d+\/\d+": cannot encode as int8 \(element \d+ \(.*\) does not fit "int8"/,
  });
  const damaged = copyFixture("v2-standard.zarr", join(dir.path, "damaged"));
  writeFileSync(join(damaged, "temp", "3.1.0"), Buffer.from("not blosc at all"));
  await assert.rejects(writeDataset(join(dir.path, "copy.zarr"), "", await openDataset(damaged)), { _tag: "ChunkError", message: /chunk "temp\/3\.1\.0"/ });
});

test("chunks stream with bounded concurrency from a generated variable: several in flight, never more than asked", async () => {
  let inFlight = 0;
  let peak = 0;
  const chunks = [10, 4];
  const generated: Variable = {
    name: "g", dims: ["time", "x"], shape: [95, 8], dtype: "float64", attrs: {}, encoding: { missing: [] },
    generated: {
      chunks,
      async read(coords) {
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        const data = Float64Array.from({ length: 40 }, (_, i) => coords[0]! * 1000 + coords[1]! * 100 + i);
        return { data, shape: chunks, stride: [4, 1] } as zarr.Chunk<"float64">;
      },
    },
  };
  const out = join(dir.path, "generated.zarr");
  await writeDataset(out, "", { group: "", attrs: {}, dims: { time: 95, x: 8 }, variables: { g: generated }, coords: [], dataVars: ["g"] }, { concurrency: 3 });
  assert.equal(peak, 3);
  const values = await readVariable((await openDataset(out)).variables.g!);
  assert.equal(values[0], 0);
  assert.equal(values[8 * 94 + 7], 9000 + 100 + 4 * 4 + 3);
});

test("zarrFormat 2 writes what xarray 2023.01 with zarr 2 writes; it reads back equal to the v3 output", async () => {
  const source = await openDataset(join(FIXTURES, "v2-packed.zarr"));
  const v2 = join(dir.path, "v2-out.zarr");
  await writeDataset(v2, "", source, { zarrFormat: 2, chunksByDim: { time: 25 } });
  const zarray = JSON.parse(readFileSync(join(v2, "temp", ".zarray"), "utf8"));
  assert.deepEqual([zarray.dtype, zarray.fill_value, zarray.chunks, zarray.compressor.id], ["<i2", -32768, [25, 4, 5], "zstd"]);
  const zattrs = JSON.parse(readFileSync(join(v2, "temp", ".zattrs"), "utf8"));
  assert.deepEqual(zattrs, { long_name: "packed temperature", units: "degC", scale_factor: 0.001, add_offset: 15, _ARRAY_DIMENSIONS: ["time", "lat", "lon"] });
  assert.ok(existsSync(join(v2, ".zmetadata")) && existsSync(join(v2, "temp", "1.0.0")));
  const back = await openDataset(v2);
  for (const [name, v] of Object.entries(source.variables)) {
    assert.equal(back.variables[name]!.dtype, v.dtype, name);
    assert.deepEqual(await readVariable(back.variables[name]!), await readVariable(v), name);
  }
});
