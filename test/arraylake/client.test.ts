import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as zarr from "zarrita";
import {
  Client,
  InvalidTokenError,
  ServiceUnreachableError,
  type CommitEvent,
  type ReadEvent,
} from "../../src/arraylake/index.ts";
import { localClient, tempDir } from "./helpers.ts";

const TOKEN = "ema_secretsecret123";

test("token: ema_ and JWT accepted and select the remote backend, never a fall-back to local", async () => {
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
  for (const token of [TOKEN, jwt]) {
    // A closed loopback port stands in for the service (the remote backend itself is tested in remote/).
    const remote = { retry: { attempts: 2, baseDelayMs: 1 } };
    const client = new Client({ token, localReposDir: tempDir(), serviceUri: "http://127.0.0.1:9", remote });
    assert.equal(client.backend, "remote");
    await assert.rejects(client.getRepo("acme/x"), (e: unknown) => {
      assert.ok(e instanceof ServiceUnreachableError);
      assert.match(e.message, /cannot reach the Arraylake service/);
      assert.ok(!e.message.includes(token));
      return true;
    });
    await assert.rejects(client.listRepos("acme"), ServiceUnreachableError);
    await assert.rejects(client.createRepo("acme/x"), ServiceUnreachableError);
    assert.ok(!JSON.stringify(client).includes(token));
  }
});

test("token: malformed or wrong prefix is refused without echoing it", () => {
  for (const token of ["abc_secret123", "ema secret", "", "eyJnot-a-jwt"]) {
    assert.throws(() => new Client({ token }), (e: unknown) => {
      assert.ok(e instanceof InvalidTokenError);
      if (token) assert.ok(!e.message.includes(token));
      assert.match(e.message, /ema_/);
      return true;
    });
  }
  assert.throws(() => new Client({ env: { ARRAYLAKE_TOKEN: "bad-token-value" } }), InvalidTokenError);
});

test("repos: create, list, get, getOrCreate, delete; unknown names are clear errors", async () => {
  const client = localClient();
  await assert.rejects(client.getRepo("acme/none"), { _tag: "RepoNotFoundError", message: 'repository "acme/none" not found' });
  const repo = await client.createRepo("acme/one");
  assert.equal(repo.path, join(client.localReposDir, "acme", "one"));
  assert.ok(existsSync(join(repo.path, "repo")));
  await assert.rejects(client.createRepo("acme/one"), { _tag: "RepoExistsError" });
  await client.getOrCreateRepo("acme/two");
  await client.getOrCreateRepo("acme/two");
  assert.deepEqual((await client.listRepos("acme")).map((r) => r.id), ["acme/one", "acme/two"]);
  assert.deepEqual(await client.listRepos("empty"), []);
  await client.deleteRepo("acme/two");
  assert.deepEqual((await client.listRepos("acme")).map((r) => r.name), ["one"]);
  await assert.rejects(client.deleteRepo("acme/two"), { _tag: "RepoNotFoundError" });
  await assert.rejects(client.getRepo("bad name/x"), { _tag: "InvalidRepoNameError" });
  await assert.rejects(client.getRepo(tempDir()), { _tag: "NotARepositoryError" });
  await assert.rejects(client.getRepo("/nonexistent/floe/path"), { _tag: "NotARepositoryError" });
});

test("sessions: write with zarrita, commit, read back by branch, tag and snapshot; ancestry; lineage events", async () => {
  const reads: ReadEvent[] = [];
  const commits: CommitEvent[] = [];
  const client = localClient().withObserver({ onRead: (e) => void reads.push(e), onCommit: (e) => void commits.push(e) });
  const repo = await client.createRepo("acme/data");
  const base = await repo.lookupBranch("main");

  const w = await repo.writableSession("main");
  const arr = await zarr.create(zarr.root(w.store).resolve("t2m"), { shape: [4, 6], dtype: "float32", chunkShape: [2, 3] });
  await zarr.set(arr, null, 1.5);
  const first = await w.commit("fill t2m");
  assert.deepEqual(commits, [{ repo: "acme/data", branch: "main", snapshotId: first, parentSnapshotId: base, message: "fill t2m" }]);

  await repo.createTag("v1", first);
  await repo.createBranch("dev", first);
  const w2 = await repo.writableSession("dev");
  await zarr.set(await zarr.open(zarr.root(w2.store).resolve("t2m"), { kind: "array" }), null, 2);
  const second = await w2.commit("twos on dev");

  const onTag = await repo.readonlySession({ tag: "v1" });
  const onDev = await repo.readonlySessionAt("dev");
  const onSnap = await repo.readonlySession({ snapshotId: first });
  const value = async (s: typeof onTag) =>
    ((await zarr.get(await zarr.open(zarr.root(s.store).resolve("t2m"), { kind: "array" }))).data as Float32Array)[0];
  assert.equal(await value(onTag), 1.5);
  assert.equal(await value(onDev), 2);
  assert.equal(await value(onSnap), 1.5);
  assert.deepEqual(reads, [
    { repo: "acme/data", tag: "v1", snapshotId: first },
    { repo: "acme/data", branch: "dev", snapshotId: second },
    { repo: "acme/data", snapshotId: first },
  ]);
  assert.deepEqual((await repo.ancestry({ branch: "dev" })).map((s) => s.message), ["twos on dev", "fill t2m", "Repository initialized"]);
  assert.deepEqual(await repo.listBranches(), ["dev", "main"]);
  assert.equal((await repo.resolveRef(first)).kind, "snapshot");
  assert.equal(commits.length, 2);
});

test("unknown branch, tag, snapshot and ref are tagged errors naming them", async () => {
  const repo = await localClient().createRepo("acme/refs");
  await assert.rejects(repo.readonlySession({ branch: "nope" }), { _tag: "RefNotFoundError", message: 'branch "nope" not found in repository "acme/refs"' });
  await assert.rejects(repo.readonlySession({ tag: "nope" }), { _tag: "RefNotFoundError", kind: "tag" });
  await assert.rejects(repo.readonlySession({ snapshotId: "AAAAAAAAAAAAAAAAAAAA" }), { _tag: "RefNotFoundError", kind: "snapshot" });
  await assert.rejects(repo.readonlySession({ snapshotId: "bad" }), { _tag: "RefNotFoundError", kind: "snapshot" });
  await assert.rejects(repo.writableSession("nope"), { _tag: "RefNotFoundError", kind: "branch" });
  await assert.rejects(repo.resolveRef("neither"), { _tag: "RefNotFoundError", kind: "ref" });
});

test("two sessions on one branch: the second commit conflicts; rebase retries when changes do not overlap", async () => {
  const repo = await localClient().createRepo("acme/race");
  const group = (s: Awaited<ReturnType<typeof repo.writableSession>>, name: string) =>
    zarr.create(zarr.root(s.store).resolve(name), { attributes: { name } });
  const a = await repo.writableSession();
  const b = await repo.writableSession();
  await group(a, "a");
  await group(b, "b");
  await a.commit("a");
  await assert.rejects(b.commit("b"), { _tag: "CommitConflictError", branch: "main" });
  await b.commit("b", { rebaseAttempts: 2 });
  assert.deepEqual((await repo.ancestry()).map((s) => s.message), ["b", "a", "Repository initialized"]);

  const c = await repo.writableSession();
  const d = await repo.writableSession();
  await zarr.create(zarr.root(c.store).resolve("a"), { attributes: { by: "c" } });
  await zarr.create(zarr.root(d.store).resolve("a"), { attributes: { by: "d" } });
  await c.commit("c");
  await assert.rejects(d.commit("d", { rebaseAttempts: 3 }), { _tag: "CommitConflictError" });
});

test("layout: objects are files at their keys, no temporaries or locks left behind", async () => {
  const repo = await localClient().createRepo("acme/layout");
  const s = await repo.writableSession();
  const arr = await zarr.create(zarr.root(s.store).resolve("x"), { shape: [10_000], dtype: "int32", chunkShape: [1000] });
  await zarr.set(arr, null, 7);
  await s.commit("x");
  const top = readdirSync(repo.path).sort();
  assert.deepEqual(top, ["chunks", "manifests", "overwritten", "repo", "snapshots", "transactions"]);
  const all = readdirSync(repo.path, { recursive: true }).map(String);
  assert.ok(all.every((f) => !f.includes("#")), all.join(","));
  assert.equal(readdirSync(join(repo.path, "chunks")).length, 10);
});
