import { test } from "node:test";
import assert from "node:assert/strict";
import { PipelineSpecSchema } from "../../schemas/pipeline.ts";
import { planPipeline, stableJson, type PlanSources } from "../../src/plan/index.ts";

const spec = PipelineSpecSchema.parse({ name: "v", tasks: [{ name: "a" }, { name: "b", needs: ["a"] }] });
const versionOf = (s: PlanSources, sp = spec): string => {
  const r = planPipeline(sp, s);
  assert.ok(r.ok);
  return r.plan.version;
};
const at = (root: string, files: Record<string, string>): PlanSources => ({
  file: `${root}/pipelines/v.ts`,
  contents: new Map(Object.entries(files).map(([k, v]) => [`${root}/pipelines/${k}`, v])),
});

test("the version is stable: same code and spec, any checkout folder, any file order", () => {
  const one = versionOf(at("/a", { "v.ts": "main", "lib/util.ts": "util" }));
  assert.match(one, /^[0-9a-f]{16}$/);
  assert.equal(versionOf(at("/a", { "v.ts": "main", "lib/util.ts": "util" })), one);
  assert.equal(versionOf(at("/elsewhere/x", { "lib/util.ts": "util", "v.ts": "main" })), one);
});

test("the version changes with any file's contents, a file's name, an added import, or the spec", () => {
  const base = versionOf(at("/a", { "v.ts": "main", "lib/util.ts": "util" }));
  const variants = [
    versionOf(at("/a", { "v.ts": "main!", "lib/util.ts": "util" })),
    versionOf(at("/a", { "v.ts": "main", "lib/util.ts": "util2" })),
    versionOf(at("/a", { "v.ts": "main", "lib/other.ts": "util" })),
    versionOf(at("/a", { "v.ts": "main", "lib/util.ts": "util", "lib/more.ts": "" })),
    versionOf(at("/a", { "v.ts": "main", "lib/util.ts": "util" }), PipelineSpecSchema.parse({ name: "v", tasks: [{ name: "a", retries: 1 }, { name: "b", needs: ["a"] }] })),
  ];
  assert.equal(new Set([base, ...variants]).size, variants.length + 1);
});

test("stableJson ignores key order", () => {
  assert.equal(stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 2 } }), stableJson({ a: { c: 2, d: [1, { x: 1, y: 2 }] }, b: 1 }));
});
