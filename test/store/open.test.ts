import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { StoreOpenError, StoreReadOnlyError, createRun, isStoreError, listRuns, openStore } from "../../src/store/index.ts";
import { tempDir } from "./helpers.ts";

test("creates the state folder", (t) => {
  const path = join(tempDir(t), "a", "b", "floe.db");
  using store = openStore(path);
  assert.equal(store.path, path);
});

test("a read-only state folder gives StoreOpenError naming the path", (t) => {
  const dir = join(tempDir(t), "ro");
  mkdirSync(dir);
  chmodSync(dir, 0o555);
  const path = join(dir, "floe.db");
  assert.throws(
    () => openStore(path),
    (e: unknown) => e instanceof StoreOpenError && isStoreError(e) && e.context.path === path && e.message.includes(path)
      && /not writable/.test(e.message),
  );
});

test("a state path below a file gives StoreOpenError", (t) => {
  const file = join(tempDir(t), "file");
  writeFileSync(file, "x");
  const path = join(file, "floe.db");
  assert.throws(() => openStore(path), (e: unknown) => e instanceof StoreOpenError && e.message.includes(path));
});

test("readonly: reads work, writes are refused, a missing file is a StoreOpenError", async (t) => {
  const path = join(tempDir(t), "floe.db");
  assert.throws(() => openStore(path, { readonly: true }), StoreOpenError);
  const writer = openStore(path);
  await createRun(writer, { pipeline: "p", version: "v", params: {}, trigger: { kind: "api" } });
  using reader = openStore(path, { readonly: true });
  assert.equal((await listRuns(reader)).items.length, 1);
  await assert.rejects(createRun(reader, { pipeline: "p", version: "v", params: {}, trigger: { kind: "api" } }), StoreReadOnlyError);
  await writer.close();
});
