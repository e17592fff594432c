import { test } from "node:test";
import assert from "node:assert/strict";
import { TriggerSchema } from "../../schemas/pipeline.ts";

test("onCommit: path is a repository path (no '..'), coalesce is latest (default) or all", () => {
  const ok = TriggerSchema.parse({ onCommit: { repo: "acme/raw", path: "inputs/sst", coalesce: "all" } });
  assert.deepEqual(ok, { onCommit: { repo: "acme/raw", branch: "main", path: "inputs/sst", coalesce: "all", includeOwnCommits: false } });
  assert.equal((TriggerSchema.parse({ onCommit: { repo: "acme/raw" } }) as { onCommit: { coalesce: string } }).onCommit.coalesce, "latest");
  for (const path of ["../etc", "a/../b", "a//b", ""]) assert.equal(TriggerSchema.safeParse({ onCommit: { repo: "r", path } }).success, false, path);
  assert.equal(TriggerSchema.safeParse({ onCommit: { repo: "r", coalesce: "first" } }).success, false);
});
