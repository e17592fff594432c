/**
 * What works unchanged against remote repositories: the `floe repo` CLI (token and service URI from the
 * environment, as a user sets them) and lineage events for reads and commits.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zarr from "zarrita";
import { repoCommand } from "../../../src/cli/repo.ts";
import type { CommitEvent, ReadEvent } from "../../../src/arraylake/index.ts";
import { startRig, TOKEN } from "./helpers.ts";

const rig = await startRig();

async function run(argv: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const code = await repoCommand.run(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { ARRAYLAKE_TOKEN: TOKEN, ARRAYLAKE_SERVICE__URI: rig.service.url, FLOE_STATE_DIR: join(cwd, "state") },
    cwd,
    isTTY: false,
  });
  return { code, stdout, stderr };
}

test("floe repo create, import, list, log, show against the service", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "floe-remote-cli-"));
  try {
    assert.equal((await run(["create", "acme/cli"], cwd)).code, 0);
    assert.equal((await run(["list", "acme"], cwd)).stdout, "acme/cli\n");
    const v2 = join(cwd, "v2.zarr");
    mkdirSync(join(v2, "x"), { recursive: true });
    writeFileSync(join(v2, ".zgroup"), JSON.stringify({ zarr_format: 2 }));
    writeFileSync(join(v2, "x", ".zarray"), JSON.stringify({ zarr_format: 2, shape: [3], chunks: [3], dtype: "<f4", compressor: null, filters: null, fill_value: 0, order: "C" }));
    writeFileSync(join(v2, "x", "0"), Buffer.from(new Float32Array([1, 2, 3]).buffer));
    const imp = await run(["import", v2, "acme/cli", "obs", "--message", "import obs"], cwd);
    assert.equal(imp.code, 0, imp.stderr);
    const log = await run(["log", "acme/cli", "--json"], cwd);
    assert.deepEqual((JSON.parse(log.stdout) as { message: string }[]).map((s) => s.message), ["import obs", "Repository initialized"]);
    const show = await run(["show", "acme/cli", "obs/x", "--values", "--json"], cwd);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /\[\s*1,\s*2,\s*3\s*\]/);
    for (const r of [log, show, imp]) assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test("lineage: reads and commits on a remote repository reach the observer", async () => {
  const reads: ReadEvent[] = [];
  const commits: CommitEvent[] = [];
  const client = rig.client().withObserver({ onRead: (e) => void reads.push(e), onCommit: (e) => void commits.push(e) });
  const repo = await client.createRepo("acme/lineage");
  const session = await repo.writableSession("main");
  await zarr.create(zarr.root(session.store).resolve("g"), { attributes: { a: 1 } });
  const id = await session.commit("add g");
  await repo.readonlySession({ branch: "main" });
  assert.deepEqual(commits.map((c) => [c.repo, c.branch, c.snapshotId, c.message]), [["acme/lineage", "main", id, "add g"]]);
  assert.deepEqual(reads.map((r) => [r.repo, r.snapshotId]), [["acme/lineage", id]]);
});
