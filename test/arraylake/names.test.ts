import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { InvalidRepoNameError } from "../../src/arraylake/index.ts";
import { parseRepoTarget } from "../../src/arraylake/names.ts";
import { localClient, tempDir } from "./helpers.ts";

test("parseRepoTarget: a path only when it starts with /, ./, ../ or ~/; ~ is the home folder", () => {
  assert.deepEqual(parseRepoTarget("acme/ocean-data_v1.2", "/p"), { kind: "name", org: "acme", name: "ocean-data_v1.2", id: "acme/ocean-data_v1.2" });
  assert.deepEqual(parseRepoTarget("/data/x", "/p"), { kind: "path", path: "/data/x" });
  assert.deepEqual(parseRepoTarget("./acme/x", "/p"), { kind: "path", path: "/p/acme/x" });
  assert.deepEqual(parseRepoTarget("../escape", "/p/q"), { kind: "path", path: "/p/escape" });
  assert.deepEqual(parseRepoTarget("~/repos/x", "/p"), { kind: "path", path: join(homedir(), "repos/x") });
});

test("parseRepoTarget: anything else must be org/name with valid segments", () => {
  for (const value of ["ocean-data", "a/b/c", "", "~", "~user/x", ".", "..", ".hidden/x", "acme/..", "acme/.", "bad name/x", "acme/"]) {
    assert.throws(() => parseRepoTarget(value, "/p"), (e: unknown) => {
      assert.ok(e instanceof InvalidRepoNameError, String(e));
      assert.equal(e._tag, "InvalidRepoNameError");
      assert.ok(e.message.startsWith(`expected "org/name" (or a path starting with ./ or /), got ${JSON.stringify(value)}`), e.message);
      return true;
    }, value);
  }
});

test("Client: a forgotten org creates nothing (no folder relative to cwd)", async () => {
  const cwd = tempDir();
  const client = localClient({ cwd });
  await assert.rejects(client.createRepo("ocean-data"), { _tag: "InvalidRepoNameError" });
  await assert.rejects(client.getOrCreateRepo("ocean-data"), { _tag: "InvalidRepoNameError" });
  await assert.rejects(client.getRepo("a/b/c"), { _tag: "InvalidRepoNameError" });
  assert.deepEqual(readdirSync(cwd), []);
  const repo = await client.createRepo("./ocean-data");
  assert.equal(repo.path, join(cwd, "ocean-data"));
  assert.ok(existsSync(join(cwd, "ocean-data")));
});
