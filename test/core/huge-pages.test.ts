import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { withHugePages } from "../../src/core/huge-pages.ts";

test("run processes get glibc's huge-page malloc tunable, added to the user's tunables, never overriding theirs", { skip: process.platform !== "linux" }, () => {
  assert.equal(withHugePages({}).GLIBC_TUNABLES, "glibc.malloc.hugetlb=1");
  assert.equal(withHugePages({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" }).GLIBC_TUNABLES, "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
  const mine = { GLIBC_TUNABLES: "glibc.malloc.hugetlb=0", PATH: "/bin" };
  assert.equal(withHugePages(mine), mine);
  // A process started with it sees it (glibc reads it at exec; the variable stays visible to the child).
  const seen = execFileSync(process.execPath, ["-e", "process.stdout.write(process.env.GLIBC_TUNABLES ?? '')"], { env: withHugePages({}), encoding: "utf8" });
  assert.equal(seen, "glibc.malloc.hugetlb=1");
});
