/**
 * The seed job's `average` task in the labelled API (`ds.get([v]).groupby("time.season").mean("time")`, what
 * pipelines/seasonal-averages.ts runs) writes exactly what `seasonalMean` writes: metadata and chunk bytes.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { LazyDataset, openDataset, seasonalMean, writeDataset } from "../../src/data/index.ts";
import { FIXTURES, tempDir } from "./helpers.ts";

const tree = (root: string): Map<string, Buffer> =>
  new Map((readdirSync(root, { recursive: true }) as string[]).filter((f) => statSync(join(root, f)).isFile()).sort().map((f) => [f, readFileSync(join(root, f))] as const));

test("ds.get([v]).groupby('time.season').mean('time') writes what seasonalMean writes, byte for byte", async () => {
  const dir = tempDir();
  try {
    for (const name of ["v2-standard.zarr", "v2-noleap.zarr"]) {
      const source = join(FIXTURES, name);
      await writeDataset(join(dir.path, `old-${name}`), "out", await seasonalMean(await openDataset(source), { variables: ["temp"] }));
      const ds = await LazyDataset.open(source);
      const means = await ds.get(["temp"]).groupby("time.season").mean("time").compute();
      assert.deepEqual(means.dataVars, ["temp"]);
      await writeDataset(join(dir.path, `new-${name}`), "out", means);
      const [old, now] = [tree(join(dir.path, `old-${name}`)), tree(join(dir.path, `new-${name}`))];
      assert.deepEqual([...now.keys()], [...old.keys()], `${name}: files`);
      for (const [file, bytes] of old) assert.ok(bytes.equals(now.get(file)!), `${name}: ${file} differs`);
    }
    const ds = await LazyDataset.open(join(FIXTURES, "v2-standard.zarr"));
    assert.deepEqual(Object.keys(ds.get(["temp"]).coordinates).sort(), ["lat", "lon", "time"]);
    assert.throws(() => ds.get(["salt"]), /salt/);
    assert.throws(() => ds.groupby("time.season").mean("lat"), /grouped reductions reduce over "time" \(got "lat"\)/);
  } finally {
    dir.remove();
  }
});
