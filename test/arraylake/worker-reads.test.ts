import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LazyDataset, createReducerPool, groupReduce, openDataset } from "../../src/data/index.ts";
import { importZarr } from "../../src/cli/repo-transfer.ts";
import { localClient } from "./helpers.ts";

const FOLDER = fileURLToPath(new URL("../fixtures/data/v3-standard.zarr", import.meta.url));
const pool = createReducerPool(2);
after(() => pool.close());

async function importedRepo() {
  const repo = await localClient().createRepo("acme/ocean");
  const writer = await repo.writableSession();
  await importZarr(FOLDER, writer, "ocean");
  await writer.commit("import");
  return repo;
}

test("workers read a local repository's chunk files themselves and reduce exactly as from the folder", async () => {
  const repo = await importedRepo();
  const fromRepo = await openDataset(await repo.readonlySession(), { group: "ocean" });
  const located = await (await repo.readonlySession()).store.locate("ocean/temp/c/0/0/0");
  assert.ok(located && "path" in located, "the chunk is located in the repository's files");
  const expected = await groupReduce(await openDataset(FOLDER), { by: "month", op: "mean", workers: 0 });
  const got = await groupReduce(fromRepo, { by: "month", op: "mean", workers: 2, pool });
  assert.deepEqual(Array.from(got.variables.temp!.values as Float32Array), Array.from(expected.variables.temp!.values as Float32Array));
});

test("a chunk file the manifest names but the disk lost fails the reduction naming the chunk, not a silent fill", async () => {
  const repo = await importedRepo();
  const ds = await openDataset(await repo.readonlySession(), { group: "ocean" });
  for (const name of readdirSync(join(repo.path, "chunks"))) rmSync(join(repo.path, "chunks", name));
  await assert.rejects(groupReduce(ds, { by: "month", op: "mean", variables: ["temp"], workers: 2, pool }), (e: Error) => {
    assert.match(e.message, /chunk "ocean\/temp\/c\/\d+\/\d+\/\d+".*ENOENT/);
    return true;
  });
});

test("lazy arrays evaluated on workers read a local repository's chunk ranges themselves, exactly as from the folder", async () => {
  const repo = await importedRepo();
  const anomaly = (ds: LazyDataset) => ds.get("temp").sub(ds.get("temp").mean("time")).mul(2);
  const expected = await anomaly(await LazyDataset.open(FOLDER)).values();
  const fromRepo = await LazyDataset.from(await openDataset(await repo.readonlySession(), { group: "ocean" }));
  assert.deepEqual(Array.from((await anomaly(fromRepo).values({ pool })) as Float32Array), Array.from(expected as Float32Array));
  for (const name of readdirSync(join(repo.path, "chunks"))) rmSync(join(repo.path, "chunks", name));
  const lost = await LazyDataset.from(await openDataset(await repo.readonlySession(), { group: "ocean" }));
  await assert.rejects(lost.get("temp").mul(2).values({ pool }), (e: Error) => {
    assert.match(e.message, /chunk "ocean\/temp\/c\/\d+\/\d+\/\d+".*ENOENT/);
    return true;
  });
});
