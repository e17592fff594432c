import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import * as zarr from "zarrita";
import { FileSystemStore, groupReduce, openDataset, readVariable, seasonalMean, writeDataset } from "../../src/data/index.ts";
import { FIXTURES, compare, reference, tempDir } from "./helpers.ts";

const dir = tempDir();
after(() => dir.remove());

test("writes what xarray with zarr-python 3 writes: v3, dimension_names, bytes+zstd, fill values, string seasons", async () => {
  const out = join(dir.path, "out.zarr");
  const result = await seasonalMean(await openDataset(join(FIXTURES, "v2-standard.zarr")), { workers: 0 });
  await writeDataset(out, "xarray/avg-season-temps", result);
  const temp = JSON.parse(readFileSync(join(out, "xarray/avg-season-temps/temp/zarr.json"), "utf8"));
  assert.equal(temp.zarr_format, 3);
  assert.equal(temp.node_type, "array");
  assert.equal(temp.data_type, "float32");
  assert.deepEqual(temp.dimension_names, ["season", "lat", "lon"]);
  assert.deepEqual(temp.codecs.map((c: { name: string }) => c.name), ["bytes", "zstd"]);
  assert.equal(temp.fill_value, "NaN");
  assert.equal(temp.attributes._FillValue, "AAAAAAAA+H8=");
  assert.equal(temp.attributes.units, "degC");
  const season = JSON.parse(readFileSync(join(out, "xarray/avg-season-temps/season/zarr.json"), "utf8"));
  assert.equal(season.data_type, "string");
  assert.deepEqual(season.codecs.map((c: { name: string }) => c.name), ["vlen-utf8", "zstd"]);
  assert.equal(season.fill_value, "");
  const group = JSON.parse(readFileSync(join(out, "xarray/avg-season-temps/zarr.json"), "utf8"));
  assert.equal(group.node_type, "group");
  assert.deepEqual(group.attributes, reference["v2-standard"]["season.mean"]!.dataset_attrs);
  assert.deepEqual(Object.keys(group.consolidated_metadata.metadata).sort(), ["depth", "lat", "lon", "season", "temp"]);
  const parent = JSON.parse(readFileSync(join(out, "xarray/zarr.json"), "utf8"));
  assert.equal(parent.node_type, "group");
  // Never zarrita's invalid defaults.
  for (const meta of Object.values(group.consolidated_metadata.metadata) as { codecs: unknown[]; fill_value: unknown }[]) {
    assert.ok(meta.codecs.length > 0);
    assert.notEqual(meta.fill_value, null);
  }
});

test("what floe writes reads back with plain zarrita and with openDataset, values intact", async () => {
  const out = join(dir.path, "back.zarr");
  const result = await seasonalMean(await openDataset(join(FIXTURES, "v2-noleap.zarr")), { workers: 0 });
  await writeDataset(out, "seasonal", result);
  const store = new FileSystemStore(out);
  const arr = await zarr.open.v3(new zarr.Location(store, "/seasonal/temp"), { kind: "array" });
  const plain = await zarr.get(arr);
  assert.deepEqual(plain.shape, [4, 6, 8]);
  const expected = reference["v2-noleap"]["season.mean"]!;
  assert.ok(compare(plain.data as Float32Array, expected.temp).maxDiff <= 1e-4);
  const seasons = await zarr.get(await zarr.open.v3(new zarr.Location(store, "/seasonal/season"), { kind: "array" }));
  assert.deepEqual(seasons.data, ["DJF", "JJA", "MAM", "SON"]);
  const ds = await openDataset(out, { group: "seasonal" });
  assert.deepEqual(ds.coords, ["lat", "lon", "season"]);
  assert.deepEqual(await readVariable(ds.variables.season!), ["DJF", "JJA", "MAM", "SON"]);
  assert.deepEqual(ds.variables.temp!.attrs, expected.attrs);
  assert.ok(Number.isNaN(ds.variables.temp!.encoding.fillValue));
});

test("a lazy dataset is copied chunk by chunk and reduces to the same result", async () => {
  const out = join(dir.path, "copy.zarr");
  const source = await openDataset(join(FIXTURES, "v2-standard.zarr"));
  await writeDataset(out, "", source);
  const copy = await openDataset(out);
  assert.deepEqual(copy.variables.temp!.encoding.chunks, [30, 3, 8]);
  const a = await groupReduce(source, { by: "month", workers: 0 });
  const b = await groupReduce(copy, { by: "month", workers: 0 });
  assert.deepEqual(b.variables.temp!.values, a.variables.temp!.values);
  assert.deepEqual(copy.variables.time!.attrs, source.variables.time!.attrs);
});

test("stores without listing work through consolidated metadata; sessions are accepted as { store }", async () => {
  const out = join(dir.path, "session.zarr");
  await writeDataset(out, "g", await seasonalMean(await openDataset(join(FIXTURES, "v3-standard.zarr")), { workers: 0 }));
  const fs = new FileSystemStore(out);
  // Like an Icechunk session: keys with a leading slash, bytes as views, null for missing, no listing.
  const session = {
    store: {
      async get(key: `/${string}`) {
        const bytes = await fs.get(key);
        if (!bytes) return null;
        const padded = new Uint8Array(bytes.byteLength + 3);
        padded.set(bytes, 3);
        return padded.subarray(3);
      },
    },
  };
  const ds = await openDataset(session, { group: "g" });
  assert.deepEqual(await readVariable(ds.variables.season!), ["DJF", "JJA", "MAM", "SON"]);
});
