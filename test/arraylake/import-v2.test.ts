import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { deflateSync } from "node:zlib";
import { openDataset, readVariable } from "floe/data";
import { main } from "../../src/cli/main.ts";
import { assertDecodedLikeXarray } from "../data/helpers.ts";
import { FIXTURES as ICECHUNK_FIXTURES, localClient, tempDir } from "./helpers.ts";

const DATA = new URL("../fixtures/data/", import.meta.url).pathname;

async function floe(argv: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { FLOE_STATE_DIR: join(cwd, "state") },
    cwd,
    isTTY: false,
  });
  return { code, stdout, stderr };
}

test("floe repo import keeps the meaning of Zarr v2 stores: dimensions, coordinates, attributes, values, CF packing", async () => {
  const cwd = tempDir();
  const repoPath = join(cwd, "repo");
  const missing = await floe(["repo", "import", join(DATA, "v2-standard.zarr"), repoPath, "a"], cwd);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no repository at ".*repo"; create it with: floe repo create .*repo \(or add --create\)/);
  for (const [name, group] of [["v2-standard.zarr", "a"], ["v2-noleap.zarr", "b/c"], ["v2-packed.zarr", "packed"]] as const) {
    const r = await floe(["repo", "import", join(DATA, name), repoPath, group, "--create"], cwd);
    assert.equal(r.code, 0, r.stderr);
  }
  const repo = await localClient().getRepo(repoPath);
  const session = await repo.readonlySession({ branch: "main" });
  for (const [name, group] of [["v2-standard.zarr", "a"], ["v2-noleap.zarr", "b/c"]] as const) {
    const folder = await openDataset(join(DATA, name));
    const imported = await openDataset(session, { group });
    assert.deepEqual(imported.dims, folder.dims, name);
    assert.deepEqual(imported.coords, folder.coords, name);
    assert.deepEqual(imported.dataVars, folder.dataVars, name);
    assert.deepEqual(imported.attrs, folder.attrs, name);
    for (const [v, fv] of Object.entries(folder.variables)) {
      const iv = imported.variables[v]!;
      assert.deepEqual([iv.dims, iv.dtype, iv.attrs, iv.encoding.fillValue], [fv.dims, fv.dtype, fv.attrs, fv.encoding.fillValue], `${name} ${v}`);
      assert.equal(iv.lazy?.node.format, 3);
      assert.deepEqual(await readVariable(iv), await readVariable(fv), `${name} ${v} values`);
    }
  }
  await assertDecodedLikeXarray(session, "packed");
});

test("floe repo import: order F, filters, zlib, '/' separator and 0-d arrays; an array with no v3 equivalent stages nothing", async () => {
  const cwd = tempDir();
  const src = join(cwd, "f.zarr");
  mkdirSync(join(src, "x", "0"), { recursive: true });
  mkdirSync(join(src, "s"), { recursive: true });
  writeFileSync(join(src, ".zgroup"), JSON.stringify({ zarr_format: 2 }));
  const zarray = { zarr_format: 2, shape: [2, 3], chunks: [2, 3], dtype: "<i2", order: "F", fill_value: -1, filters: [{ id: "delta", dtype: "<i2" }], compressor: { id: "zlib", level: 1 }, dimension_separator: "/" };
  writeFileSync(join(src, "x", ".zarray"), JSON.stringify(zarray));
  writeFileSync(join(src, "x", ".zattrs"), JSON.stringify({ _ARRAY_DIMENSIONS: ["y", "x"], units: "m" }));
  // C order [[0, 1, 2], [3, 4, 5]] stored F order [0, 3, 1, 4, 2, 5], then delta-encoded.
  const f = [0, 3, 1, 4, 2, 5];
  const delta = Int16Array.from(f, (v, i) => (i === 0 ? v : v - f[i - 1]!));
  writeFileSync(join(src, "x", "0", "0"), deflateSync(Buffer.from(delta.buffer)));
  writeFileSync(join(src, "s", ".zarray"), JSON.stringify({ zarr_format: 2, shape: [], chunks: [], dtype: "<f8", order: "C", fill_value: null, filters: null, compressor: null }));
  writeFileSync(join(src, "s", "0"), Buffer.from(new Float64Array([2.5]).buffer));
  const repoPath = join(cwd, "repo");
  const ok = await floe(["repo", "import", src, repoPath, "g", "--create"], cwd);
  assert.equal(ok.code, 0, ok.stderr);
  const repo = await localClient().getRepo(repoPath);
  const ds = await openDataset(await repo.readonlySession({ branch: "main" }), { group: "g" });
  assert.deepEqual(ds.variables.x?.dims, ["y", "x"]);
  assert.deepEqual(ds.variables.x?.attrs, { units: "m" });
  assert.equal(ds.variables.x?.dtype, "float32", "the fill value masks as xarray does (int16 -> float32)");
  assert.deepEqual([...(await readVariable(ds.variables.x!))], [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...(await readVariable(ds.variables.s!))], [2.5]);

  const before = (await repo.ancestry({ branch: "main" })).length;
  mkdirSync(join(src, "u"));
  writeFileSync(join(src, "u", ".zarray"), JSON.stringify({ zarr_format: 2, shape: [2], chunks: [2], dtype: "<U5", order: "C", fill_value: "", filters: null, compressor: null }));
  const bad = await floe(["repo", "import", src, repoPath, "h"], cwd);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /variable "u" attribute "dtype": v2 dtype "<U5" has no Zarr v3 equivalent/);
  assert.equal((await repo.ancestry({ branch: "main" })).length, before, "nothing committed");
});

test("repositories written by Python Icechunk open with their dimensions", async () => {
  const repo = await localClient().getRepo(join(ICECHUNK_FIXTURES, "test-repo-v2"));
  const ds = await openDataset(await repo.readonlySessionAt("it also works!"), { group: "group1" });
  assert.deepEqual([ds.variables.big_chunks?.dims, ds.variables.big_chunks?.shape], [["dim_0", "dim_1"], [10, 10]]);
  assert.deepEqual([ds.variables.small_chunks?.dims, ds.variables.small_chunks?.shape], [["dim_0"], [5]]);
  assert.deepEqual(ds.attrs, { this: "is a nice group", icechunk: 1, size: 42 });
  // Zarr v3: xarray masks by the `_FillValue` attribute, not the array's fill_value (8 here), so int8 stays int8.
  assert.equal(ds.variables.small_chunks?.dtype, "int8");
  assert.deepEqual([...(await readVariable(ds.variables.small_chunks!))], [84, 84, 84, 84, 8], "chunk 4 deleted on this branch");
});

test("the reported bug: import v2-standard.zarr, then `floe run seasonal-averages` on it completes", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const state = tempDir();
  const io = (out: string[]) => ({ stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), env: { FLOE_STATE_DIR: state }, cwd: root, isTTY: false });
  const log: string[] = [];
  assert.equal(await main(["repo", "import", join(DATA, "v2-standard.zarr"), "acme/imported", "g", "--create"], io(log)), 0, log.join(""));
  const run: string[] = [];
  const code = await main(["run", "seasonal-averages", "--local", "--json", "--param", "repo=acme/imported", "--param", "source=g", "--param", "target=out"], io(run));
  assert.equal(code, 0, run.join(""));
  assert.equal(JSON.parse(run.join("")).state, "Completed");
  const repo = await localClient().getRepo(join(state, "arraylake", "acme", "imported"));
  const out = await openDataset(await repo.readonlySession({ branch: "main" }), { group: "out" });
  assert.deepEqual(out.variables.temp?.dims, ["season", "lat", "lon"]);
});
