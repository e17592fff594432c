/** The registry's rules on plain load results: last good version kept, removal, rename, duplicate names. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FileLoadResult, LoadedPipeline } from "../../src/loader/types.ts";
import { createRegistry } from "../../src/daemon/registry.ts";
import type { VersionManifest } from "../../src/daemon/version-manifest.ts";

const loaded = (name: string, file: string, version: string): LoadedPipeline =>
  ({ name, file, exportName: "default", version, spec: { name, schedules: [] }, plan: { pipeline: name, version }, paramsSchema: {}, locations: {} }) as unknown as LoadedPipeline;
const ok = (file: string, ...ps: LoadedPipeline[]): FileLoadResult => ({ file, pipelines: ps, diagnostics: [], imports: [] });
const broken = (file: string, pipeline?: string): FileLoadResult => ({
  file, pipelines: [], imports: [], diagnostics: [{ file, code: "syntax_error", message: "bad", ...(pipeline ? { pipeline } : {}) }],
});
const snap = (p: LoadedPipeline): VersionManifest => ({ pipeline: p.name, version: p.version } as VersionManifest);

test("an invalid file keeps its pipelines' last good versions active", () => {
  const r = createRegistry();
  let change = r.apply([ok("/p/a.ts", loaded("a", "/p/a.ts", "v1"))], [], snap);
  assert.deepEqual(change.activated.map((p) => p.version), ["v1"]);
  change = r.apply([broken("/p/a.ts")], [], snap);
  assert.equal(r.get("a")?.valid, false);
  assert.equal(r.get("a")?.active?.version, "v1");
  assert.equal(change.invalid[0]?.name, "a");
  r.apply([ok("/p/a.ts", loaded("a", "/p/a.ts", "v2"))], [], snap);
  assert.equal(r.get("a")?.valid, true);
  assert.equal(r.get("a")?.manifest?.version, "v2");
});

test("a pipeline gone from a clean file is removed; a deleted file removes its pipelines", () => {
  const r = createRegistry();
  r.apply([ok("/p/a.ts", loaded("a", "/p/a.ts", "v1"), loaded("a2", "/p/a.ts", "w1"))], [], snap);
  const change = r.apply([ok("/p/a.ts", loaded("a", "/p/a.ts", "v1"))], [], snap);
  assert.deepEqual(change.removed, ["a2"]);
  assert.deepEqual(change.activated, [], "same version: nothing re-activated");
  r.apply([], ["/p/a.ts"], snap);
  assert.equal(r.list().length, 0);
});

test("rename within one batch keeps the pipeline; a duplicate name in another file is rejected", () => {
  const r = createRegistry();
  r.apply([ok("/p/b.ts", loaded("b", "/p/b.ts", "v1"))], [], snap);
  r.apply([ok("/p/c.ts", loaded("b", "/p/c.ts", "v2"))], ["/p/b.ts"], snap);
  assert.equal(r.get("b")?.file, "/p/c.ts");
  const change = r.apply([ok("/p/d.ts", loaded("b", "/p/d.ts", "v3"))], [], snap);
  assert.equal(change.invalid[0]?.diagnostics[0]?.code, "duplicate_pipeline");
  assert.equal(r.get("b")?.file, "/p/c.ts");
  assert.equal(r.get("b")?.active?.version, "v2");
});

test("a new file that never loaded shows under its base name; a refused snapshot activates nothing", () => {
  const r = createRegistry();
  r.apply([broken("/p/new-one.ts")], [], snap);
  assert.equal(r.get("new-one")?.valid, false);
  assert.equal(r.get("new-one")?.active, null);
  r.apply([ok("/p/new-one.ts", loaded("real", "/p/new-one.ts", "v1"))], [], () => undefined);
  assert.equal(r.get("real"), undefined);
});
