import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { main } from "../../src/cli/main.ts";
import { FIXTURES, tempDir } from "./helpers.ts";

async function run(argv: string[], env: Record<string, string> = {}, cwd = tempDir()) {
  let stdout = "";
  let stderr = "";
  // Through main: usage errors are printed by the shared CLI path.
  const code = await main(["repo", ...argv], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { FLOE_STATE_DIR: join(cwd, "state"), ...env },
    cwd,
    isTTY: false,
  });
  return { code, stdout, stderr };
}

test("repo CLI: create, import v3 and v2, log, tree, show, export", async () => {
  const cwd = tempDir();
  assert.equal((await run(["create", "acme/cli"], {}, cwd)).code, 0);
  assert.equal((await run(["list", "acme"], {}, cwd)).stdout, "acme/cli\n");

  const v3 = join(cwd, "v3.zarr");
  const src = zarr.root(new FileSystemStore(v3));
  await zarr.create(src, { attributes: { title: "v3 data" } });
  const a = await zarr.create(src.resolve("temp"), { shape: [3, 4], dtype: "int16", chunkShape: [2, 2], attributes: { units: "K" } });
  await zarr.set(a, null, { data: new Int16Array([...Array(12).keys()]), shape: [3, 4], stride: [4, 1] });
  const imp = await run(["import", "v3.zarr", "acme/cli", "obs/v3", "--message", "import v3"], {}, cwd);
  assert.equal(imp.code, 0, imp.stderr);

  const v2 = join(cwd, "v2.zarr");
  mkdirSync(join(v2, "x"), { recursive: true });
  writeFileSync(join(v2, ".zgroup"), JSON.stringify({ zarr_format: 2 }));
  writeFileSync(join(v2, ".zattrs"), JSON.stringify({ source: "xarray-like" }));
  writeFileSync(join(v2, "x", ".zarray"), JSON.stringify({
    zarr_format: 2, shape: [5], chunks: [3], dtype: "<f4", compressor: null, filters: null, fill_value: "NaN", order: "C",
  }));
  writeFileSync(join(v2, "x", "0"), Buffer.from(new Float32Array([1, 2, 3]).buffer));
  writeFileSync(join(v2, "x", "1"), Buffer.from(new Float32Array([4, 5, 0]).buffer));
  assert.equal((await run(["import", v2, "acme/cli", "obs/v2", "--branch", "main"], {}, cwd)).code, 0);

  const log = JSON.parse((await run(["log", "acme/cli", "--json"], {}, cwd)).stdout) as { message: string }[];
  assert.deepEqual(log.map((l) => l.message), [`import ${v2} into obs/v2`, "import v3", "Repository initialized"]);

  const tree = JSON.parse((await run(["tree", "acme/cli", "--json"], {}, cwd)).stdout) as { path: string; kind: string }[];
  assert.deepEqual(tree.map((n) => `${n.kind}:${n.path}`), ["group:", "group:obs", "group:obs/v2", "array:obs/v2/x", "group:obs/v3", "array:obs/v3/temp"]);

  const show = JSON.parse((await run(["show", "acme/cli", "obs/v3/temp", "--values", "--json", "--ref", "main"], {}, cwd)).stdout);
  assert.deepEqual(show.values, [...Array(12).keys()]);
  assert.deepEqual(show.attributes, { units: "K" });
  const x = JSON.parse((await run(["show", "acme/cli", "obs/v2/x", "--values", "--json"], {}, cwd)).stdout);
  assert.deepEqual(x.values, [1, 2, 3, 4, 5]);

  const out = join(cwd, "out.zarr");
  assert.equal((await run(["export", "acme/cli", "obs/v3", out], {}, cwd)).code, 0);
  assert.deepEqual(readFileSync(join(out, "temp", "c", "1", "1")), readFileSync(join(v3, "temp", "c", "1", "1")));
  const back = await zarr.get(await zarr.open.v3(zarr.root(new FileSystemStore(out)).resolve("temp"), { kind: "array" }));
  assert.deepEqual(Array.from(back.data as Int16Array), [...Array(12).keys()]);

  const text = await run(["tree", FIXTURES + "test-repo-v2", "--ref", "it also works!"], {}, cwd);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /inner {2}float32 \[10, 10\] chunks \[5, 5\]/);
});

test("repo CLI: usage errors exit 2 with the shared format, failures exit 1 with one clear line, tokens never printed", async () => {
  const usage = async (argv: string[], message: string) => {
    const r = await run(argv);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.startsWith(`floe repo: ${message}`), r.stderr);
    assert.match(r.stderr, /\n\nusage:\n(.*\n)*  floe repo export <repo> <group> <dir>/);
  };
  await usage([], "missing subcommand");
  await usage(["nope"], 'unknown subcommand "nope"');
  await usage(["tree"], "missing argument for tree: <repo>");
  await usage(["show", "acme/x"], "missing argument for show: <array-path>");
  await usage(["tree", "a/b", "c"], 'unexpected argument for tree: "c"');
  await usage(["list", "acme", "--values"], "--values does not apply to list");
  await usage(["log", "acme/x", "--nope"], "unknown option --nope\n\n");
  const missing = await run(["log", "acme/none"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'floe repo log: repository "acme/none" not found\n');
  const ref = await run(["tree", FIXTURES + "test-repo-v2", "--ref", "nope"]);
  assert.equal(ref.code, 1);
  assert.equal(ref.stderr, `floe repo tree: ref "nope" not found in repository "${FIXTURES}test-repo-v2"\n`);
  // A closed loopback port: the remote backend is selected and fails fast as unreachable, never falls back to local.
  const offline = { ARRAYLAKE_SERVICE__URI: "http://127.0.0.1:9" };
  for (const token of ["ema_topsecret42", "not-a-token-secret"]) {
    const r = await run(["list", "acme"], { ARRAYLAKE_TOKEN: token, ...offline });
    assert.equal(r.code, 1);
    assert.ok(!r.stderr.includes(token) && !r.stdout.includes(token), r.stderr);
  }
  assert.match((await run(["list", "acme"], { ARRAYLAKE_TOKEN: "ema_topsecret42", ...offline })).stderr, /cannot reach the Arraylake service at http:\/\/127\.0\.0\.1:9/);
});

test("repo CLI: names must be org/name or an explicit path; create prints the path once", async () => {
  const cwd = tempDir();
  const forgot = await run(["create", "ocean-data"], {}, cwd);
  assert.equal(forgot.code, 1);
  assert.equal(forgot.stderr, 'floe repo create: expected "org/name" (or a path starting with ./ or /), got "ocean-data"\n');
  assert.equal((await run(["log", "a/b/c"], {}, cwd)).stderr, 'floe repo log: expected "org/name" (or a path starting with ./ or /), got "a/b/c"\n');
  assert.deepEqual(readdirSync(cwd), [], "nothing created");
  const named = await run(["create", "acme/x"], {}, cwd);
  assert.equal(named.stdout, `created acme/x at ${join(cwd, "state", "arraylake", "acme", "x")}\n`);
  const pathed = await run(["create", "./here"], {}, cwd);
  assert.equal(pathed.stdout, `created ${join(cwd, "here")}\n`);
  assert.equal((await run(["log", "./here"], {}, cwd)).code, 0);
});

test("repo CLI: missing arrays, groups and folders are named, without library wording", async () => {
  const cwd = tempDir();
  assert.equal((await run(["create", "acme/x"], {}, cwd)).code, 0);
  const v3 = zarr.root(new FileSystemStore(join(cwd, "src.zarr")));
  await zarr.create(v3);
  await zarr.create(v3.resolve("a"), { shape: [2], dtype: "int8", chunkShape: [2] });
  assert.equal((await run(["import", "src.zarr", "acme/x", "g"], {}, cwd)).code, 0);
  const fails = async (argv: string[], line: string) => {
    const r = await run(argv, {}, cwd);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, `${line}\n`);
    assert.doesNotMatch(r.stderr, /Error:|Not found|context:|ENOENT|scandir/);
  };
  await fails(["show", "acme/x", "nope"], 'floe repo show: no array or group "nope" in acme/x at main');
  await fails(["show", "acme/x", "g/nope", "--ref", "main"], 'floe repo show: no array or group "g/nope" in acme/x at main');
  await fails(["show", "acme/x", "g"], 'floe repo show: "g" in acme/x at main is a group, not an array');
  await fails(["export", "acme/x", "nope", "out"], 'floe repo export: no array or group "nope" in acme/x at main');
  await fails(["import", "/nonexistent", "acme/x", "g"], "floe repo import: no such folder: /nonexistent");
  await fails(["import", "missing.zarr", "acme/x", "g"], `floe repo import: no such folder: ${join(cwd, "missing.zarr")}`);
  writeFileSync(join(cwd, "file.txt"), "x");
  await fails(["import", "file.txt", "acme/x", "g"], `floe repo import: not a folder: ${join(cwd, "file.txt")}`);
  assert.ok(!existsSync(join(cwd, "out")));
  assert.equal((await run(["show", "acme/x", "g/a"], {}, cwd)).code, 0);
});
