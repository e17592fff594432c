/**
 * Exact code everywhere, on one node (SQLite; the same code runs on PostgreSQL): a loaded version is stored once as
 * a bundle in the database; a run whose snapshot folder is gone restores it from the bundle (relative layout kept,
 * a local import outside the pipelines folder included) and runs; a bundle whose code does not hash to its version
 * fails the run naming pipeline, version, expected and actual hash.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { decodeBundle, encodeBundle } from "../../src/daemon/bundle-format.ts";
import { openStore } from "../../src/store/index.ts";
import { daemonForFile, makeProject, pipelineStatus, waitFor, waitRun } from "./helpers.ts";

const PIPELINE = `import { pipeline } from "floe";
import { plus } from "../lib/plus.ts";
export default pipeline({ name: "bundled" }).task("answer", () => plus(20));
`;
const project = makeProject({ "pipelines/bundled.ts": PIPELINE, "lib/plus.ts": "export const plus = (n: number): number => n + 22;\n" });
const d = daemonForFile(project);
const db = join(project.stateDir, "floe.db");

async function withStore<T>(fn: (store: ReturnType<typeof openStore>) => Promise<T>): Promise<T> {
  const store = openStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const bundles = (): Promise<{ version: string; digest: string; content: Buffer }[]> =>
  withStore((s) => s.sql.all("SELECT version, digest, content FROM version_bundles WHERE pipeline = 'bundled'"));

test("a loaded version is stored once; a run without its snapshot folder restores it from the database and runs", async () => {
  const status = await waitFor(() => pipelineStatus(d, "bundled"), 60_000, "the pipeline to load");
  const version = status.version as string;
  assert.match(version, /^[0-9a-f]{16}$/);
  const rows = await waitFor(async () => { const r = await bundles(); return r.length > 0 && r; }, 30_000, "the bundle");
  assert.deepEqual(rows.map((r) => r.version), [version]);

  const dir = join(project.stateDir, "versions", "bundled", version);
  assert.ok(existsSync(join(dir, "lib", "plus.ts")), "the snapshot keeps the relative layout");
  rmSync(dir, { recursive: true, force: true });
  const { status: code, body } = await d.post("/api/pipelines/bundled/runs", {});
  assert.equal(code, 201, JSON.stringify(body));
  const run = await waitRun(d, body.id);
  assert.equal(run.state, "Completed", JSON.stringify(run.error));
  assert.equal(run.version, version);
  assert.equal(run.tasks[0].result, 42);
  assert.equal(readFileSync(join(dir, "lib", "plus.ts"), "utf8"), "export const plus = (n: number): number => n + 22;\n");
  assert.equal((await bundles()).length, 1);
});

test("a bundle whose code does not hash to its version fails the run with both hashes", async () => {
  const [row] = await bundles();
  const { version } = row!;
  const bundle = decodeBundle(row!.content, { pipeline: "bundled", version, digest: row!.digest });
  const files = new Map(bundle.files);
  const lib = [...files.keys()].find((p) => p.endsWith("lib/plus.ts"))!;
  files.set(lib, files.get(lib)!.replace("n + 22", "n + 23"));
  const tampered = encodeBundle({ ...bundle, files });
  await withStore((s) => s.sql.run("UPDATE version_bundles SET content = ?, digest = ? WHERE pipeline = 'bundled' AND version = ?", [tampered.content, tampered.digest, version]));
  rmSync(join(project.stateDir, "versions", "bundled", version), { recursive: true, force: true });

  const { body } = await d.post("/api/pipelines/bundled/runs", {});
  const run = await waitRun(d, body.id);
  assert.equal(run.state, "Failed");
  assert.match(run.error.message, new RegExp(`pipeline "bundled" version ${version} .*expected ${version}, actual [0-9a-f]{16}`));
  assert.equal(existsSync(join(project.stateDir, "versions", "bundled", version)), false, "nothing unpacked");
});
