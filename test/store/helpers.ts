/** @module Test helpers: a real SQLite store in a fresh temporary folder, removed after the test. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { createRun, openStore, type CreateRunInput, type SqliteStore, type Store } from "../../src/store/index.ts";

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "floe-store-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function tempStore(t: TestContext): SqliteStore {
  const store = openStore(join(tempDir(t), "state", "floe.db"));
  t.after(() => store.close());
  return store;
}

export async function makeRun(store: Store, over: Partial<CreateRunInput> = {}): Promise<string> {
  return (await createRun(store, { pipeline: "p", version: "v1", params: {}, trigger: { kind: "manual" }, ...over })).run.id;
}
