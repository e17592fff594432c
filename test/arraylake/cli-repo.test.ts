import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { repoCommand } from "../../src/cli/repo.ts";
import { FIXTURES, tempDir } from "./helpers.ts";

async function run(argv: string[], env: Record<string, string> = {}, cwd = tempDir()) {
  let stdout = "";
  let stderr = "";
  const code = await repoCommand.run(argv, {
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

test("repo CLI: usage errors exit 2, failures exit 1 with tagged messages, tokens never printed", async () => {
  assert.equal((await run([])).code, 2);
  assert.equal((await run(["nope"])).code, 2);
  assert.equal((await run(["log"])).code, 2);
  assert.equal((await run(["list", "acme", "--values"])).code, 2);
  const missing = await run(["log", "acme/none"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /RepoNotFoundError: repository "acme\/none" not found/);
  const ref = await run(["tree", FIXTURES + "test-repo-v2", "--ref", "nope"]);
  assert.equal(ref.code, 1);
  assert.match(ref.stderr, /ref "nope" not found/);
  // A closed loopback port: the remote backend is selected and fails fast as unreachable, never falls back to local.
  const offline = { ARRAYLAKE_SERVICE__URI: "http://127.0.0.1:9" };
  for (const token of ["ema_topsecret42", "not-a-token-secret"]) {
    const r = await run(["list", "acme"], { ARRAYLAKE_TOKEN: token, ...offline });
    assert.equal(r.code, 1);
    assert.ok(!r.stderr.includes(token) && !r.stdout.includes(token), r.stderr);
  }
  assert.match((await run(["list", "acme"], { ARRAYLAKE_TOKEN: "ema_topsecret42", ...offline })).stderr, /cannot reach the Arraylake service at http:\/\/127\.0\.0\.1:9/);
});
