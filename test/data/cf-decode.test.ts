import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openDataset, seasonalMean } from "floe/data";
import { cfPlan, decodeCF, encodeCF } from "../../src/data/cf-codec.mjs";
import { FIXTURES, assertDecodedLikeXarray, compare, copyFixture, packed, tempDir } from "./helpers.ts";

test("packed int16/uint8/int32/int64 data decodes to xarray's dtypes and values (scale, offset, _FillValue, missing_value, _Unsigned)", async () => {
  await assertDecodedLikeXarray(join(FIXTURES, "v2-packed.zarr"));
});

test("seasonal mean of packed data equals xarray's, on the main thread and on workers", async () => {
  const ds = await openDataset(join(FIXTURES, "v2-packed.zarr"));
  const ref = packed["season.mean"];
  for (const workers of [0, 2]) {
    const out = await seasonalMean(ds, { variables: ["temp"], workers });
    assert.deepEqual(out.variables.season?.values, ref.labels);
    assert.equal(out.variables.temp?.dtype, ref.dtype);
    const { maxDiff, nanMismatches } = compare(out.variables.temp!.values as Float32Array, ref.temp);
    assert.equal(nanMismatches, 0, `workers ${workers}`);
    assert.ok(maxDiff < 1e-4, `workers ${workers}: ${maxDiff}`);
  }
});

test("the CF kernel promotes as xarray: mask first, then scale; offsets force float64 for small ints without a fill", () => {
  assert.equal(cfPlan("int16", { scaleFactor: 0.1 }).dtype, "float32");
  assert.equal(cfPlan("int16", { scaleFactor: 0.1, addOffset: 1 }).dtype, "float64");
  assert.equal(cfPlan("int16", { scaleFactor: 0.1, addOffset: 1, fillValue: -1 }).dtype, "float32");
  assert.equal(cfPlan("int32", { fillValue: -1 }).dtype, "float64");
  assert.equal(cfPlan("float64", { scaleFactor: 2 }).dtype, "float64");
  assert.equal(cfPlan("float32", { scaleFactor: 2, addOffset: 1 }).dtype, "float32");
  assert.equal(cfPlan("int64", {}).identity, true);
  assert.equal(cfPlan("float32", { fillValue: Number.NaN }).identity, true);
  const plan = cfPlan("int16", { scaleFactor: 0.01, addOffset: 20, fillValue: -32768 });
  const raw = Int16Array.from([-32768, 0, 150, -150, 32767]);
  const decoded = decodeCF(plan, raw) as Float32Array;
  assert.ok(Number.isNaN(decoded[0]!));
  assert.deepEqual([...encodeCF(plan, decoded)], [...raw], "encoding inverts decoding");
  assert.throws(() => encodeCF(plan, Float32Array.from([1000])), /element 0 \(1000\) does not fit "int16"/);
  assert.throws(() => encodeCF(cfPlan("int16", { scaleFactor: 2 }), Float32Array.from([Number.NaN])), /NaN and "int16" has no _FillValue/);
  const unsigned = cfPlan("int8", { unsigned: "true", fillValue: -1 });
  assert.equal(unsigned.dtype, "float32");
  const u = decodeCF(unsigned, Int8Array.from([-1, -2, 5]));
  assert.deepEqual([...u], [Number.NaN, 254, 5]);
});

test("what CF decoding cannot do is a clear error naming the variable, never a silent cast", async () => {
  const dir = tempDir();
  try {
    const store = copyFixture("v2-packed.zarr", dir.path);
    const patch = (edit: (meta: Record<string, Record<string, unknown>>) => void) => {
      const path = join(store, ".zmetadata");
      const doc = JSON.parse(readFileSync(path, "utf8"));
      edit(doc.metadata);
      writeFileSync(path, JSON.stringify(doc));
    };
    patch((m) => (m["mv/.zarray"]!.dtype = "<f2"));
    await assert.rejects(openDataset(store), { _tag: "UnsupportedError", message: /variable "mv" attribute "dtype": cannot mask fill values of dtype "float16"/ });
    patch((m) => {
      m["mv/.zarray"]!.dtype = "<f4";
      m["temp/.zattrs"]!.scale_factor = "0.01";
    });
    await assert.rejects(openDataset(store), { _tag: "UnsupportedError", message: /variable "temp" attribute "scale_factor": expected a number, got "0.01"/ });
  } finally {
    dir.remove();
  }
});
