/**
 * The structure check on small trees written for each case: each rule fails with the file, line, import and
 * rule, and the README prints the very order the check enforces.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { checkStructure } from "../../scripts/structure/check.ts";
import { LAYER_ORDER } from "../../scripts/structure/layers.ts";

function tree(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "floe-structure-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const all = { "package.json": JSON.stringify({ name: "floe", exports: { ".": "./src/index.ts", "./data": "./src/data/index.ts" } }), ...files };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test("a tree that keeps the order, with subfolders and peers importing each other, passes", (t) => {
  const root = tree(t, {
    "src/core/ids.ts": "export const id = 1;\n",
    "schemas/common.ts": 'import { id } from "../src/core/ids.ts";\nexport const x = id;\n',
    "src/data/ops/mean.ts": 'import { x } from "../../../schemas/common.ts";\nexport const mean = x;\n',
    "src/data/index.ts": 'export { mean } from "./ops/mean.ts";\n',
    "src/dsl/a.ts": 'import type { mean } from "../data/index.ts";\nexport type A = typeof mean;\n',
    "src/cli/main.ts": 'import { mean } from "floe/data";\nexport const m = async () => (await import("../run/x.ts")).x + mean;\n',
    "src/run/x.ts": "export const x = 1;\n",
    "src/index.ts": 'export { mean } from "./data/index.ts";\n',
    "pipelines/p.ts": 'import { mean } from "floe/data";\nexport default mean;\n',
  });
  assert.deepEqual(checkStructure(root, LAYER_ORDER, []), []);
});

test("an import against the order names the file, line, import and rule", (t) => {
  const root = tree(t, {
    "src/data/index.ts": '// a comment\nimport type { Run } from "../run/run.ts";\nexport type R = Run;\n',
    "src/run/run.ts": "export interface Run { id: string }\n",
  });
  assert.deepEqual(checkStructure(root, LAYER_ORDER, []), [
    `src/data/index.ts:2: import type "../run/run.ts": data may not import run (layer order: ${LAYER_ORDER})`,
  ]);
});

test("circles of files, type-only ones included, and circles of peer folders are named edge by edge", (t) => {
  const root = tree(t, {
    "src/engine/a.ts": 'import type { B } from "./b.ts";\nexport interface A { b: B }\n',
    "src/engine/b.ts": 'import type { A } from "./a.ts";\nexport interface B { a: A }\n',
    "src/plan/p.ts": 'import { c } from "../config/c.ts";\nexport const p = c;\n',
    "src/config/c.ts": 'export const c = 1;\nexport const late = async () => (await import("../plan/p.ts")).p;\n',
  });
  assert.deepEqual(checkStructure(root, LAYER_ORDER, []), [
    'src/config/c.ts:2: import "../plan/p.ts": layer circle config → plan → config (src/config/c.ts:2: import "../plan/p.ts"; src/plan/p.ts:1: import "../config/c.ts"); cut one of these imports',
    'src/engine/a.ts:1: import type "./b.ts": import circle src/engine/a.ts → src/engine/b.ts → src/engine/a.ts (src/engine/a.ts:1: import type "./b.ts"; src/engine/b.ts:1: import type "./a.ts"); cut one of these imports',
  ]);
});

test("owned packages, the package entry, pipelines by path and folders in no layer are refused", (t) => {
  const root = tree(t, {
    "src/data/open.ts": 'import { Repository } from "@earthmover/icechunk";\nexport const r = Repository;\n',
    "src/api/app.ts": 'import { z } from "../index.ts";\nexport const s = z;\n',
    "src/index.ts": "export const z = 1;\n",
    "src/cluster/worker.ts": "export const w = 1;\n",
    "pipelines/p.ts": 'import { z } from "../src/index.ts";\nexport default z;\n',
  });
  assert.deepEqual(checkStructure(root, LAYER_ORDER, []), [
    "pipelines/p.ts:1: import \"../src/index.ts\": pipelines import floe by its package name (floe, floe/data, floe/arraylake, floe/testing), never a path into the repository",
    'src/api/app.ts:1: import "../index.ts": src/index.ts is the package entry; import the module it re-exports',
    "src/cluster/worker.ts:1: src/cluster is in no layer: add it to LAYER_ORDER in scripts/structure/layers.ts and to the README's layer order",
    'src/data/open.ts:1: import "@earthmover/icechunk": only src/arraylake imports @earthmover/icechunk; use its API',
  ]);
});

test("a tolerated type import may close a circle; a rule that closes none is reported as stale", (t) => {
  const root = tree(t, {
    "src/data/array/data-array.ts": 'import { Resample } from "../ops/resample.ts";\nexport class DataArray { r = Resample; }\n',
    "src/data/ops/resample.ts": 'import type { DataArray } from "../array/data-array.ts";\nexport class Resample { a?: DataArray; }\n',
  });
  const rule = { from: /^src\/data\/ops\//, to: "src/data/array/data-array.ts", why: "test" };
  const stale = { from: /^src\/data\/ops\//, to: "src/data/array/evaluate.ts", why: "test" };
  assert.deepEqual(checkStructure(root, LAYER_ORDER, [rule, stale]), [
    "scripts/structure/layers.ts:1: the tolerated type import /^src\\/data\\/ops\\// → src/data/array/evaluate.ts closes no circle any more: remove it from TOLERATED_TYPE_IMPORTS",
  ]);
  assert.equal(checkStructure(root, LAYER_ORDER, []).length, 1, "without the rule, the circle is reported");
});

test("the README prints the layer order the check enforces", () => {
  assert.ok(readFileSync("README.md", "utf8").includes(`\n${LAYER_ORDER}\n`), "README.md's Layout section must print LAYER_ORDER verbatim");
});
