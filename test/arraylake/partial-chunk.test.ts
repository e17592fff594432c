/** Regression: overwriting part of a chunk in a session (zarrita reads, patches in place, writes back) keeps the new values. */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zarr from "zarrita";
import { Client } from "floe/arraylake";

const client = new Client({ token: undefined, localReposDir: mkdtempSync(join(tmpdir(), "floe-partial-")) });
after(() => client.close());

const ramp = (n: number, from = 0) => ({ data: Float32Array.from({ length: n }, (_, i) => from + i), shape: [n], stride: [1] });

test("a partial-chunk overwrite in one session, and after a commit, reads back the new values", async () => {
  const repo = await client.createRepo("acme/partial");
  const session = await repo.writableSession("main");
  const arr = await zarr.create(zarr.root(session.store).resolve("x"), { shape: [64], chunkShape: [256], dtype: "float32" });
  await zarr.set(arr, null, ramp(64));
  await zarr.set(arr, null, ramp(64, 100));
  assert.deepEqual(Array.from((await zarr.get(arr)).data as Float32Array).slice(0, 3), [100, 101, 102]);
  await zarr.set(arr, [zarr.slice(10, 12)], ramp(2, -1));
  await session.commit("patched");

  const read = await repo.readonlySession({ branch: "main" });
  const back = await zarr.open(zarr.root(read.store).resolve("x"), { kind: "array" });
  const values = Array.from((await zarr.get(back)).data as Float32Array);
  assert.deepEqual(values.slice(8, 13), [108, 109, -1, 0, 112]);
});
