import { test } from "node:test";
import assert from "node:assert/strict";
import * as zarr from "zarrita";
import { ChunkReadError, UnsupportedRepositoryError, type ArraylakeRepo } from "../../src/arraylake/index.ts";
import { icechunkBuild } from "../../src/arraylake/build.ts";
import { FIXTURES, localClient } from "./helpers.ts";

// Where the builds differ, each test asserts what the loaded build does and says which build ran.
const BUILD = icechunkBuild();

const MAIN = ["set virtual chunk", "fill data", "empty structure", "Repository initialized"];
const MY_BRANCH = ["some more structure", "delete a chunk", ...MAIN];

async function assertContents(repo: ArraylakeRepo): Promise<void> {
  assert.deepEqual(await repo.listBranches(), ["main", "my-branch"]);
  assert.deepEqual(await repo.listTags(), ["it also works!", "it works!"]);
  assert.deepEqual((await repo.ancestry({ branch: "main" })).map((s) => s.message), MAIN);
  assert.deepEqual((await repo.ancestry({ branch: "my-branch" })).map((s) => s.message), MY_BRANCH);
  assert.deepEqual((await repo.ancestry({ tag: "it works!" })).map((s) => s.message), MY_BRANCH.slice(1));
  await assert.rejects(repo.lookupTag("deleted"), { _tag: "RefNotFoundError" });

  const s = await repo.readonlySession({ tag: "it also works!" });
  const root = zarr.root(s.store);
  const group1 = await zarr.open(root.resolve("group1"), { kind: "group" });
  assert.deepEqual(group1.attrs, { this: "is a nice group", icechunk: 1, size: 42.0 });

  const small = await zarr.open(root.resolve("group1/small_chunks"), { kind: "array" });
  assert.equal(small.dtype, "int8");
  const smallData = await zarr.get(small);
  assert.deepEqual(Array.from(smallData.data as Int8Array), [84, 84, 84, 84, 8]); // chunk 4 deleted -> fill 8

  const big = await zarr.open(root.resolve("group1/big_chunks"), { kind: "array" });
  assert.deepEqual(big.shape, [10, 10]);
  const corner = await zarr.get(big, [zarr.slice(5, 10), zarr.slice(5, 10)]);
  assert.ok(Array.from(corner.data as Float32Array).every((v) => v === 42));
  // The one virtual chunk fails alone, with a clear error naming it.
  await assert.rejects(zarr.get(big, [zarr.slice(0, 5), zarr.slice(0, 5)]), (e: unknown) => {
    assert.ok(e instanceof ChunkReadError);
    assert.equal(e.key, "group1/big_chunks/c/0/0");
    return true;
  });

  const inner = await zarr.open(root.resolve("group2/group3/group4/group5/inner"), { kind: "array" });
  assert.deepEqual(inner.shape, [10, 10]);
  assert.equal(inner.dtype, "float32");

  const onMain = await repo.readonlySession({ branch: "main" });
  assert.equal(await onMain.store.get("group2/zarr.json"), undefined);
  const mainSmall = await zarr.get(await zarr.open(zarr.root(onMain.store).resolve("group1/small_chunks"), { kind: "array" }));
  assert.deepEqual(Array.from(mainSmall.data as Int8Array), [84, 84, 84, 84, 84]);
}

test("spec 2 repository written by Python opens and reads fully", async () => {
  const repo = await localClient().getRepo(FIXTURES + "test-repo-v2");
  assert.equal(repo.readOnly, false);
  assert.equal(repo.repository.specVersion, 2);
  await assertContents(repo);
});

test(`spec 1 repository (${BUILD} build): ${BUILD === "wasm" ? "the config does not parse, so it opens read-only through a filtered view" : "opens and reads fully"}`, async () => {
  const repo = await localClient().getRepo(FIXTURES + "test-repo-v1");
  if (BUILD === "wasm") {
    assert.equal(repo.readOnly, true);
    assert.match(repo.notes[0] ?? "", /az, file, gcs/);
    assert.match(repo.notes[0] ?? "", /error in config deserialization/);
  } else {
    assert.equal(repo.readOnly, false);
    assert.deepEqual(repo.notes, []);
  }
  await assertContents(repo);
});

test(`spec 2 migrated from 1 (${BUILD} build): ${BUILD === "wasm" ? "the library cannot read its config; a clear error is pinned" : "opens and reads fully"}`, async () => {
  if (BUILD === "native") {
    const repo = await localClient().getRepo(FIXTURES + "test-repo-v2-migrated");
    assert.equal(repo.readOnly, false);
    await assertContents(repo);
    return;
  }
  await assert.rejects(localClient().getRepo(FIXTURES + "test-repo-v2-migrated"), (e: unknown) => {
    assert.ok(e instanceof UnsupportedRepositoryError);
    assert.match(e.message, /error during metadata deserialization/);
    assert.match(e.message, /WebAssembly build/);
    assert.match(e.message, /native build/);
    return true;
  });
});
