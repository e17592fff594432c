/**
 * The object-storage half end to end: a `Client` with a token opens Icechunk repositories that live in the
 * S3 test server, vended credentials checked on every request. Write, commit, read back; concurrent commits;
 * credentials that expire in the middle of a long write.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import * as zarr from "zarrita";
import { CommitConflictError, type ArraylakeRepo } from "../../../src/arraylake/index.ts";
import { overwriteArray, ramp, readArray, startRig, writeArray } from "./helpers.ts";

const rig = await startRig();

test("create, write, commit, and read back from another client", async () => {
  const signed = rig.s3.stats.signatureChecked;
  const repo = await rig.client().createRepo("acme/roundtrip");
  const id = await writeArray(repo, "t2m", ramp(2000), "write t2m");
  const reopened = await rig.client().getRepo("acme/roundtrip");
  assert.deepEqual(await readArray(reopened, "t2m"), Array.from(ramp(2000)));
  const history = await reopened.ancestry();
  assert.equal(history[0]!.id, id);
  assert.deepEqual(history.map((s) => s.message), ["write t2m", "Repository initialized"]);
  const prefix = reopened.path.replace("s3://arraylake-test/", "");
  assert.ok(rig.s3.keys("arraylake-test", `${prefix}/chunks/`).length >= 8, "chunks are in the bucket, under the repo prefix");
  assert.ok(rig.s3.stats.signatureChecked - signed > 20, "every request was signed with vended credentials");
});

test("concurrent commits touching the same chunk: one wins, the other gets a conflict", async () => {
  await rig.client().createRepo("acme/race");
  await writeArray(await rig.client().getRepo("acme/race"), "x", ramp(256), "base");
  const [a, b] = await Promise.all([rig.client().getRepo("acme/race"), rig.client().getRepo("acme/race")]);
  const write = (repo: ArraylakeRepo, offset: number) => overwriteArray(repo, "x", ramp(256, offset), `offset ${offset}`);
  const results = await Promise.allSettled([write(a, 100), write(b, 200)]);
  const won = results.filter((r) => r.status === "fulfilled");
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
  assert.ok(lost[0]!.reason instanceof CommitConflictError, String(lost[0]!.reason));
  const winner = results[0]!.status === "fulfilled" ? 100 : 200;
  const after = await rig.client().getRepo("acme/race");
  assert.deepEqual(await readArray(after, "x"), Array.from(ramp(256, winner)));
  assert.deepEqual((await after.ancestry()).map((s) => s.message), [`offset ${winner}`, "base", "Repository initialized"]);
});

test("concurrent commits to different arrays: the loser of the branch update rebases and both land", async () => {
  await rig.client().createRepo("acme/rebase");
  const failedBefore = rig.s3.stats.preconditionFailed;
  const repos = await Promise.all([1, 2, 3].map(() => rig.client().getRepo("acme/rebase")));
  const ids = await Promise.all(repos.map((r, i) => writeArray(r, `v${i}`, ramp(100, i), `commit ${i}`, 5)));
  assert.equal(new Set(ids).size, 3);
  const after = await rig.client().getRepo("acme/rebase");
  const messages = (await after.ancestry()).map((s) => s.message);
  for (const i of [0, 1, 2]) {
    assert.ok(messages.includes(`commit ${i}`), `commit ${i} lost: ${messages.join(", ")}`);
    assert.deepEqual(await readArray(after, `v${i}`), Array.from(ramp(100, i)));
  }
  assert.ok(rig.s3.stats.preconditionFailed > failedBefore, "the race was decided by a conditional write in storage");
});

async function longWrite(rig: Awaited<ReturnType<typeof startRig>>, marginMs: number, name: string) {
  const client = rig.client({ remote: { credentialRefreshMarginMs: marginMs } });
  const repo = await client.createRepo(`acme/${name}`);
  const session = await repo.writableSession("main");
  const n = 256 * 40;
  const arr = await zarr.create(zarr.root(session.store).resolve("long"), { shape: [n], dtype: "float32", chunkShape: [256] });
  const values = ramp(n, 7);
  const started = Date.now();
  for (let c = 0; c < 40; c++) {
    // One chunk at a time, slowly: the write outlives several sets of credentials.
    await zarr.set(arr, [zarr.slice(c * 256, (c + 1) * 256)], { data: values.subarray(c * 256, (c + 1) * 256), shape: [256], stride: [1] });
    await sleep(70);
  }
  await session.commit("long write");
  return { client, repo, values, seconds: (Date.now() - started) / 1000 };
}

test("credentials expiring during a long write are refreshed when storage says so, and the write goes on", async () => {
  // The service announces a later expiry than storage enforces (clock skew): only storage's 400 ExpiredToken tells.
  const short = await startRig({ credentialTtlMs: 800, expirationSkewMs: 3_600_000 });
  const { client, values, seconds } = await longWrite(short, 0, "expiring");
  assert.ok(seconds > 2, `${seconds}`);
  assert.ok(short.s3.stats.expiredRejected >= 1, "storage rejected expired credentials at least once");
  assert.ok(short.service.vended >= 3, `vended ${short.service.vended}`);
  assert.deepEqual(await readArray(await client.getRepo("acme/expiring"), "long"), Array.from(values));
});

test("with a refresh margin, credentials are replaced before they expire", async () => {
  const short = await startRig({ credentialTtlMs: 1200 });
  const { client, values } = await longWrite(short, 900, "proactive");
  assert.equal(short.s3.stats.expiredRejected, 0);
  assert.ok(short.service.vended >= 4, `vended ${short.service.vended}`);
  assert.deepEqual(await readArray(await client.getRepo("acme/proactive"), "long"), Array.from(values));
});
