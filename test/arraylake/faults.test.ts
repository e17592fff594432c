import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import * as zarr from "zarrita";
import { StorageWriteError } from "../../src/arraylake/index.ts";
import { localClient } from "./helpers.ts";
import { COMMITTER, runCommitter } from "./workers/run-committer.ts";



test("two processes committing to one branch: every commit lands, conflicts are reported and retried", async () => {
  const client = localClient();
  const repo = await client.createRepo("acme/race");
  const [a, b] = await Promise.all([runCommitter(repo.path, "a", 20), runCommitter(repo.path, "b", 20)]);
  const messages = (await (await client.getRepo("acme/race")).ancestry()).map((s) => s.message);
  assert.equal(messages.length, 41);
  for (const tag of ["a", "b"]) for (let i = 0; i < 20; i++) assert.ok(messages.includes(`${tag} ${i}`), `${tag} ${i} lost`);
  assert.equal(a.commits + b.commits, 40);
  assert.ok(a.conflicts + b.conflicts >= 0);
});

test("process killed mid-commit: the branch points at a complete snapshot and the repository keeps working", async () => {
  const client = localClient();
  const repo = await client.createRepo("acme/killed");
  const child = spawn(process.execPath, ["--no-warnings", "--import", "tsx", COMMITTER, repo.path, "k", "50", "big"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Kill it while it is writing its third commit's data.
  await new Promise<void>((resolve) => {
    let lines = 0;
    child.stdout.on("data", (d: Buffer) => {
      lines += d.toString().split("\n").filter(Boolean).length;
      if (lines >= 2) setTimeout(() => { child.kill("SIGKILL"); resolve(); }, 40);
    });
  });
  await new Promise((r) => child.on("exit", r));
  const reopened = await client.getRepo("acme/killed");
  const history = await reopened.ancestry();
  assert.ok(history.length >= 3, `${history.length}`);
  const s = await reopened.readonlySession();
  const last = history[0]!.message.split(" ")[1]!;
  const arr = await zarr.open(zarr.root(s.store).resolve(`k-${last}/data`), { kind: "array" });
  const got = await zarr.get(arr, [zarr.slice(0, 2), zarr.slice(0, 2)]);
  assert.deepEqual(Array.from(got.data as Float32Array), [Number(last), Number(last), Number(last), Number(last)]);
  const w = await reopened.writableSession();
  await zarr.create(zarr.root(w.store).resolve("after"));
  await w.commit("after the crash");
});

test("a lock left by a dead process is broken, so commits continue", async () => {
  const repo = await localClient().createRepo("acme/stale");
  const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
  writeFileSync(join(repo.path, "repo#0"), `${dead} ${hostname()}`);
  const w = await repo.writableSession();
  await zarr.create(zarr.root(w.store).resolve("g"));
  await w.commit("despite the stale lock");
  assert.ok(!readdirSync(repo.path).includes("repo#0"));
});

/**
 * A 1 MB tmpfs (needs root), unmounted after the test; undefined when it cannot be mounted. Hooks are
 * registered here, not in the test body, so they do not keep the test's sessions reachable (see release.ts).
 */
function tinyDisk(t: TestContext): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "floe-al-tiny-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { stdio: "ignore" });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  t.after(() => {
    execFileSync("umount", [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

test("disk full during a write: a clear error, and the repository is intact", async (t) => {
  const dir = tinyDisk(t);
  if (!dir) return t.skip("needs root and tmpfs to simulate a full disk");
  const client = localClient({ localReposDir: dir });
  const repo = await client.createRepo("acme/full");
  const ok = await repo.writableSession();
  await zarr.create(zarr.root(ok.store).resolve("small"), { attributes: { fits: true } });
  const good = await ok.commit("fits");
  const w = await repo.writableSession();
  const arr = await zarr.create(zarr.root(w.store).resolve("big"), { shape: [1024, 1024], dtype: "float32", chunkShape: [256, 256] });
  await assert.rejects(
    (async () => {
      await zarr.set(arr, null, 1);
      await w.commit("too big");
    })(),
    (e: unknown) => {
      assert.ok(e instanceof StorageWriteError, String(e));
      assert.equal(e.code, "ENOSPC");
      return true;
    },
  );
  const reopened = await client.getRepo("acme/full");
  assert.equal(await reopened.lookupBranch("main"), good);
  const s = await reopened.readonlySession();
  const g = await zarr.open(zarr.root(s.store).resolve("small"), { kind: "group" });
  assert.deepEqual(g.attrs, { fits: true });
  const leftovers = readdirSync(join(dir, "acme", "full"), { recursive: true }).map(String).filter((f) => f.includes("#"));
  assert.deepEqual(leftovers, []);
});
