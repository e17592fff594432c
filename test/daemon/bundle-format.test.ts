/**
 * Version bundles as outside data (real SQLite file, real folders): paths that leave the version folder, a digest
 * that does not match, a bundle of another version and a decompression bomb are refused; concurrent unpackers of
 * one version all get the same complete folder; a missing bundle names what is missing.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "node:test";
import { decodeBundle, digestOf, encodeBundle, isSafeRelativePath } from "../../src/daemon/bundle-format.ts";
import { VersionBundleError } from "../../src/daemon/errors.ts";
import { versionManifest } from "../../src/daemon/version-bundles.ts";
import { versionOf } from "../../src/plan/version.ts";
import { openStore, putVersionBundle } from "../../src/store/index.ts";

const spec = { name: "p", tasks: [] } as never;
const files = new Map([["pipelines/p.ts", 'import { x } from "../lib/x.ts";\nexport default x;\n'], ["lib/x.ts", "export const x = 1;\n"]]);
const versionFor = (root: string): string =>
  versionOf(spec, { file: join(root, "pipelines/p.ts"), contents: new Map([...files].map(([p, t]) => [join(root, p), t])) });
const manifest = (version: string) => ({
  pipeline: "p", version, exportName: "default", sourceFile: "/elsewhere/pipelines/p.ts", spec, plan: { tasks: [] } as never,
  paramsSchema: {}, createdAt: 1,
});

test("paths that would leave the version folder are refused", () => {
  for (const bad of ["../x.ts", "a/../../x.ts", "/etc/passwd", "a//b", "./a", "C:x", "a\\..\\b", "", "a/\0"]) assert.equal(isSafeRelativePath(bad), false, bad);
  for (const good of ["a.ts", "lib/x.ts", "a/b/c.mts", "..a/b..ts"]) assert.equal(isSafeRelativePath(good), true, good);
  const doc = (entry: string, paths: string[]) => gzipSync(JSON.stringify({ format: "floe-bundle-1", entry, manifest: manifest("v1"), files: paths.map((p) => [p, ""]) }));
  const decode = (content: Buffer) => decodeBundle(content, { pipeline: "p", version: "v1", digest: digestOf(content) });
  assert.throws(() => decode(doc("p.ts", ["p.ts", "../../outside.ts"])), (e: unknown) =>
    e instanceof VersionBundleError && /pipeline "p" version v1 is unusable: files\.1\.0: a relative path inside the version folder/.test(e.message));
  assert.throws(() => decode(doc("/abs/p.ts", ["p.ts"])), /entry: a relative path/);
  assert.throws(() => decode(doc("q.ts", ["p.ts"])), /entry "q\.ts" is not among its files/);
  assert.throws(() => decode(doc("p.ts", ["p.ts", "floe-version.json"])), /shadows the manifest/);
  const good = doc("p.ts", ["p.ts"]);
  assert.throws(() => decodeBundle(good, { pipeline: "p", version: "v1", digest: "0".repeat(64) }), /content digest is [0-9a-f]{64}, the database recorded 0{64}/);
  assert.throws(() => decodeBundle(good, { pipeline: "p", version: "v2", digest: digestOf(good) }), /holds pipeline "p" version v1/);
  const bomb = gzipSync(Buffer.alloc(65 * 1024 * 1024, 32));
  assert.throws(() => decodeBundle(bomb, { pipeline: "p", version: "v1", digest: digestOf(bomb) }), /not a gzipped JSON document of at most/);
});

test("concurrent unpackers of one version get one complete folder; a missing bundle says what is missing", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "floe-bundle-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const stateDir = join(dir, "state");
  const store = openStore(join(dir, "floe.db"));
  t.after(() => store.close());
  const version = versionFor(join(stateDir, "versions", "p", "any"));
  assert.equal(versionFor("/some/other/root"), version, "the hash does not depend on where the folder is");
  const { content, digest } = encodeBundle({ manifest: manifest(version), entry: "pipelines/p.ts", files });
  assert.equal(await putVersionBundle(store, { pipeline: "p", version, digest, content, createdAt: 1 }), true);
  assert.equal(await putVersionBundle(store, { pipeline: "p", version, digest, content, createdAt: 2 }), false, "insert-if-absent");

  const results = await Promise.all(Array.from({ length: 4 }, () => versionManifest({ store, stateDir }, "p", version)));
  const target = join(stateDir, "versions", "p", version);
  for (const m of results) assert.equal(m.entry, join(target, "pipelines/p.ts"));
  assert.equal(readFileSync(join(target, "lib/x.ts"), "utf8"), "export const x = 1;\n");
  assert.deepEqual(readdirSync(join(stateDir, "versions", "p")), [version], "no temporary folder left");

  await assert.rejects(versionManifest({ store, stateDir }, "p", "0123456789abcdef"), (e: unknown) =>
    e instanceof VersionBundleError && e.message.includes(`no snapshot in ${join(stateDir, "versions", "p", "0123456789abcdef")} and no bundle in the database`));
  await assert.rejects(versionManifest({ store, stateDir }, "../p", version), /not a pipeline name and version hash/);
  assert.equal(existsSync(join(stateDir, "versions", "p", "0123456789abcdef")), false);
});
