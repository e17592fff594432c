/** Lazy-array plans on pool worker threads: same values as on the main thread, from a folder and from a store
 * whose bytes only the main thread can read; lazy results written chunk by chunk read back equal. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { LazyDataset, createReducerPool, openDataset, writeDataset, type DataStore } from "floe/data";
import { FIXTURES, tempDir } from "./helpers.ts";

/** Every file of a folder store in a Map (a store the workers cannot read themselves). */
function memoryStore(root: string): DataStore {
  const map = new Map<string, Uint8Array>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else map.set(`/${relative(root, path)}`, new Uint8Array(readFileSync(path)));
    }
  };
  walk(root);
  return { get: async (key: string) => map.get(key), set: async (key: string, value: Uint8Array) => void map.set(key, value) } as unknown as DataStore;
}

const chain = (ds: LazyDataset) => {
  const t = ds.get("temp");
  return t.sub(t.mean("time")).mul(t.coord("lat").deg2rad().cos()).where(t.gt(14)).std(["lat", "lon"]);
};

test("a chain computes the same on workers as on the main thread, from a folder and from memory", async () => {
  await using pool = createReducerPool(2);
  const folder = join(FIXTURES, "v2-standard.zarr");
  const here = await chain(await LazyDataset.open(folder)).values();
  const onWorkers = await chain(await LazyDataset.open(folder)).values({ pool });
  assert.deepEqual(onWorkers, here);
  const fromMemory = await chain(await LazyDataset.open(memoryStore(folder))).values({ pool });
  assert.deepEqual(fromMemory, here);
});

test("a lazy dataset is written chunk by chunk and reads back as computed", async () => {
  const dir = tempDir();
  try {
    await using pool = createReducerPool(2);
    const ds = await LazyDataset.open(join(FIXTURES, "v3-noleap.zarr"));
    const t = ds.get("temp");
    const anomaly = t.sub(t.mean("time")).rename("anomaly");
    const out = new LazyDataset({ arrays: { anomaly }, attrs: { title: "anomalies" } });
    await writeDataset(dir.path, "out", out.withCompute({ pool }));
    const back = await LazyDataset.from(await openDataset(dir.path, { group: "out" }));
    assert.deepEqual([...back.get("anomaly").dims], ["time", "lat", "lon"]);
    assert.deepEqual(await back.get("anomaly").values(), await anomaly.values());
  } finally {
    dir.remove();
  }
});
