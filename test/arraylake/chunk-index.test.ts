import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import * as zarr from "zarrita";
import type { SessionStore } from "../../src/arraylake/index.ts";
import { objectIdName } from "../../src/arraylake/local/chunk-index.ts";
import { FIXTURES, localClient, tempDir } from "./helpers.ts";

/** Every chunk key of a session: what the direct path reads must be what the library reads. */
async function assertSameAsLibrary(store: SessionStore, keys: string[]): Promise<Record<string, string>> {
  const kinds: Record<string, string> = {};
  for (const key of keys) {
    const at = await store.locate(key);
    kinds[key] = at === undefined ? "library" : "bytes" in at ? "inline" : "file";
    let expected: Uint8Array | null;
    try {
      expected = await store.raw.get(key);
    } catch {
      assert.equal(at, undefined, `${key}: the library cannot read it, so it must not be located`);
      continue;
    }
    const got = await store.get(key);
    assert.deepEqual(got ? Buffer.from(got) : null, expected ? Buffer.from(expected) : null, key);
  }
  return kinds;
}

test("readonly sessions of a local repository read native and inline chunks from the files the manifests name", async () => {
  const client = localClient();
  const repo = await client.createRepo("acme/direct");
  const writer = await repo.writableSession();
  const root = zarr.root(writer.store);
  const big = await zarr.create(root.resolve("g/big"), { shape: [4, 300], dtype: "float32", chunkShape: [2, 300] });
  await zarr.set(big, null, { data: Float32Array.from({ length: 1200 }, (_, i) => i), shape: [4, 300], stride: [300, 1] });
  const small = await zarr.create(root.resolve("small"), { shape: [6], dtype: "int8", chunkShape: [2] });
  await zarr.set(small, [zarr.slice(0, 4)], { data: Int8Array.from([1, 2, 3, 4]), shape: [4], stride: [1] });
  assert.equal(await writer.store.locate("g/big/c/0/0"), undefined, "a writable session may hold uncommitted chunks");
  const snapshotId = await writer.commit("data");

  const reader = await repo.readonlySession({ snapshotId });
  const kinds = await assertSameAsLibrary(reader.store, ["g/big/c/0/0", "g/big/c/1/0", "small/c/0", "small/c/1", "small/c/2"]);
  assert.deepEqual(kinds, { "g/big/c/0/0": "file", "g/big/c/1/0": "file", "small/c/0": "inline", "small/c/1": "inline", "small/c/2": "library" });
  assert.equal(await reader.store.get("small/c/2"), undefined, "a chunk never written reads as missing");
  assert.equal(await reader.store.locate("g/big/zarr.json"), undefined);
  assert.equal(await reader.store.locate("g/c/0"), undefined, "a group has no chunks");
  const at = await reader.store.locate("/g/big/c/1/0");
  assert.ok(at && "path" in at && existsSync(at.path) && at.path.startsWith(join(repo.path, "chunks")));
  assert.equal(at.length, 600 * 4);

  const values = await zarr.get(await zarr.open(zarr.root(reader.store).resolve("g/big"), { kind: "array" }));
  assert.deepEqual(Array.from(values.data as Float32Array), Array.from({ length: 1200 }, (_, i) => i));
  assert.ok(existsSync(join(repo.path, "snapshots", snapshotId)), "object ids name files as Icechunk does");
});

test("a repository written by Python Icechunk: native and inline chunks located, the virtual one left to the library", async () => {
  const path = join(tempDir(), "repo");
  cpSync(join(FIXTURES, "test-repo-v2"), path, { recursive: true });
  const repo = await localClient().getRepo(path);
  const session = await repo.readonlySession({ tag: "it also works!" });
  const keys = (await session.store.list()).filter((k) => !k.endsWith("zarr.json"));
  const kinds = await assertSameAsLibrary(session.store, keys);
  assert.equal(kinds["group1/big_chunks/c/0/0"], "library", "virtual chunk");
  assert.equal(kinds["group1/big_chunks/c/1/1"], "file");
  assert.equal(kinds["group1/small_chunks/c/0"], "inline");
  // Metadata comes from the snapshot file: byte for byte what the library serves.
  for (const key of (await session.store.list()).filter((k) => k.endsWith("zarr.json"))) {
    assert.deepEqual(Buffer.from((await session.store.get(key))!), Buffer.from((await session.store.raw.get(key))!), key);
  }
  assert.equal(await session.store.get("no/such/zarr.json"), undefined);
});

test("object ids are Crockford base32 without padding", () => {
  assert.equal(objectIdName(new Uint8Array(12)), "00000000000000000000");
  assert.equal(objectIdName(new Uint8Array(12).fill(255)), "ZZZZZZZZZZZZZZZZZZZG");
  assert.equal(objectIdName(Uint8Array.from([0x08])), "10");
});
