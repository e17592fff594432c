import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  ChunkError,
  DatasetNotFoundError,
  InvalidDatasetError,
  UnsupportedError,
  createReducerPool,
  groupReduce,
  openDataset,
} from "../../src/data/index.ts";
import { FIXTURES, copyFixture, tempDir } from "./helpers.ts";

const dir = tempDir();
const pool = createReducerPool(2);
after(async () => {
  await pool.close();
  dir.remove();
});

const patchJson = (file: string, patch: (doc: Record<string, unknown>) => void) => {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  patch(doc);
  writeFileSync(file, JSON.stringify(doc));
};

test("a missing group or variable is named", async () => {
  await assert.rejects(openDataset(join(FIXTURES, "v3-standard.zarr"), { group: "nope/deeper" }), (e: unknown) => {
    return e instanceof DatasetNotFoundError && e.context.group === "nope/deeper" && /group "nope\/deeper"/.test(e.message);
  });
  await assert.rejects(openDataset(join(dir.path, "absent.zarr")), DatasetNotFoundError);
  const ds = await openDataset(join(FIXTURES, "v3-standard.zarr"));
  await assert.rejects(groupReduce(ds, { by: "season", variables: ["salt"] }), (e: unknown) => {
    return e instanceof DatasetNotFoundError && e.context.variable === "salt" && /variables: depth, lat, lon, temp, time/.test(e.message);
  });
});

test("a variable without the time dimension is named with its dimension attribute", async () => {
  const ds = await openDataset(join(FIXTURES, "v2-standard.zarr"));
  await assert.rejects(groupReduce(ds, { by: "season", variables: ["depth"] }), (e: unknown) => {
    return e instanceof InvalidDatasetError && e.context.variable === "depth" && e.context.attribute === "_ARRAY_DIMENSIONS";
  });
  await assert.rejects(groupReduce(ds, { by: "season", dim: "t" }), (e: unknown) => e instanceof InvalidDatasetError && e.context.variable === "t");
});

test("unparseable units and unknown calendars name the time variable and attribute", async () => {
  const store = copyFixture("v3-noleap.zarr", join(dir.path, "units"));
  // Consolidated metadata is what readers see first, so damage it there.
  patchJson(join(store, "zarr.json"), (doc) => {
    const meta = (doc.consolidated_metadata as { metadata: Record<string, { attributes: Record<string, unknown> }> }).metadata;
    meta.time!.attributes.units = "days since the flood";
  });
  await assert.rejects(groupReduce(await openDataset(store), { by: "season" }), (e: unknown) => {
    return e instanceof InvalidDatasetError && e.context.variable === "time" && e.context.attribute === "units";
  });
  patchJson(join(store, "zarr.json"), (doc) => {
    const meta = (doc.consolidated_metadata as { metadata: Record<string, { attributes: Record<string, unknown> }> }).metadata;
    meta.time!.attributes.units = "days since 2001-01-01";
    meta.time!.attributes.calendar = "martian";
  });
  await assert.rejects(groupReduce(await openDataset(store), { by: "season" }), (e: unknown) => {
    return e instanceof InvalidDatasetError && e.context.attribute === "calendar" && /martian/.test(e.message);
  });
});

test("unsupported dtypes and codecs name the variable", async () => {
  const store = copyFixture("v2-noleap.zarr", join(dir.path, "codec"));
  patchJson(join(store, "temp", ".zarray"), (doc) => (doc.compressor = { id: "bz2", level: 1 }));
  await assert.rejects(groupReduce(await openDataset(store), { by: "season", variables: ["temp"] }), (e: unknown) => {
    return e instanceof UnsupportedError && e.context.variable === "temp" && e.context.attribute === "compressor" && /bz2/.test(e.message);
  });
  const ds = await openDataset(join(FIXTURES, "v2-standard.zarr"));
  await assert.rejects(groupReduce(ds, { by: "season", variables: ["time"] }), (e: unknown) => {
    return e instanceof UnsupportedError && e.context.variable === "time" && e.context.attribute === "dtype";
  });
});

for (const workers of [0, 2]) {
  test(`a corrupted chunk fails with its key (${workers} workers)`, async () => {
    const store = copyFixture("v2-standard.zarr", join(dir.path, `corrupt-${workers}`));
    writeFileSync(join(store, "temp", "7.1.0"), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]));
    await assert.rejects(groupReduce(await openDataset(store), { by: "season", workers, pool }), (e: unknown) => {
      return e instanceof ChunkError && e.context.key === "temp/7.1.0" && e.context.variable === "temp" && /chunk "temp\/7.1.0"/.test(e.message);
    });
    // The pool recovers: the next reduction on good data works.
    const ok = await groupReduce(await openDataset(join(FIXTURES, "v2-standard.zarr")), { by: "season", workers, pool });
    assert.equal(ok.variables.temp!.shape[0], 4);
  });
}

test("a ref with a plain folder is refused (folders have no refs)", async () => {
  await assert.rejects(openDataset(join(FIXTURES, "v3-standard.zarr"), { ref: "main" }), UnsupportedError);
});
