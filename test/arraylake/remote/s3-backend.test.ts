/**
 * The S3 custom-storage callbacks against the S3 test server, with SigV4 checked on every request:
 * conditional create and update (412 -> not on latest version), ranges, 304s, pagination, copy, delete.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { after } from "node:test";
import { ObjectStorageError } from "../../../src/arraylake/index.ts";
import { refreshingCredentials, staticCredentials } from "../../../src/arraylake/remote/credentials.ts";
import { createS3Backend } from "../../../src/arraylake/remote/s3-backend.ts";
import { createS3Client } from "../../../src/arraylake/remote/s3-client.ts";
import { startS3Server, type KeyRecord } from "../../fixtures/arraylake-service/s3-server.ts";

const keys = new Map<string, KeyRecord>([
  ["AKIDTEST", { secretAccessKey: "secret/with+chars", sessionToken: "session==" }],
  ["AKIDEXPIRED", { secretAccessKey: "old", expiresAt: new Date(Date.now() - 60_000) }],
]);
const s3 = await startS3Server({ auth: keys, maxKeys: 2 });
after(() => s3.close());

function backend(secret = "secret/with+chars") {
  const credentials = staticCredentials({ accessKeyId: "AKIDTEST", secretAccessKey: secret, sessionToken: "session==" });
  const client = createS3Client({ bucket: "bkt", prefix: "org/repo-1", region: "eu-west-1", endpoint: s3.endpoint, forcePathStyle: true, credentials, retryBaseMs: 1 });
  return createS3Backend(client);
}

const put = (path: string, text: string, previousVersion?: { etag?: string }) =>
  backend().putObject(null, { path, data: Buffer.from(text), metadata: [], ...(previousVersion ? { previousVersion } : {}) });

test("create-if-absent and update-if-unchanged are real conditional writes", async () => {
  const created = await put("refs/branch.main/ref.json", "v1", {});
  assert.equal(created.kind, "updated");
  assert.equal((await put("refs/branch.main/ref.json", "v1 again", {})).kind, "not_on_latest_version");
  const etag = created.newVersion!.etag!;
  assert.equal((await put("refs/branch.main/ref.json", "v2", { etag })).kind, "updated");
  assert.equal((await put("refs/branch.main/ref.json", "v3", { etag })).kind, "not_on_latest_version", "stale etag");
  assert.equal((await put("refs/branch.none/ref.json", "x", { etag })).kind, "not_on_latest_version", "If-Match on a missing object");
  const got = await backend().getObjectRange(null, { path: "refs/branch.main/ref.json" });
  assert.equal(got.data.toString(), "v2");
  assert.ok(s3.stats.preconditionFailed >= 3);
  assert.deepEqual(s3.keys("bkt", "org/repo-1/refs/"), ["org/repo-1/refs/branch.main/ref.json"]);
});

test("ranges, 304 on an unchanged object, ObjectNotFound for a missing one", async () => {
  const { newVersion } = await put("chunks/ABC", "0123456789");
  const b = backend();
  assert.equal((await b.getObjectRange(null, { path: "chunks/ABC", rangeStart: 2, rangeEnd: 5 })).data.toString(), "234");
  assert.equal((await b.getObjectRange(null, { path: "chunks/ABC", rangeStart: 7 })).data.toString(), "789");
  assert.equal((await b.getObjectConditional(null, { path: "chunks/ABC", previousVersion: newVersion! })).kind, "on_latest_version");
  const changed = await b.getObjectConditional(null, { path: "chunks/ABC", previousVersion: { etag: '"old"' } });
  assert.equal(changed.kind, "modified");
  assert.equal(changed.data!.toString(), "0123456789");
  await assert.rejects(b.getObjectRange(null, { path: "chunks/NOPE" }), /^Error: ObjectNotFound: chunks\/NOPE/);
  await assert.rejects(b.getObjectLastModified(null, "chunks/NOPE"), /ObjectNotFound/);
  assert.ok((await b.getObjectLastModified(null, "chunks/ABC")) instanceof Date);
});

test("keys with spaces and punctuation are signed and stored exactly", async () => {
  await put("refs/tag.it works! (v1)/ref.json", "tagged");
  const got = await backend().getObjectRange(null, { path: "refs/tag.it works! (v1)/ref.json" });
  assert.equal(got.data.toString(), "tagged");
  assert.ok(s3.keys("bkt").includes("org/repo-1/refs/tag.it works! (v1)/ref.json"));
});

test("listing follows continuation tokens and returns ids relative to the prefix", async () => {
  for (const id of ["A", "B", "C", "D", "E"]) await put(`manifests/${id}`, id);
  const listed = await backend().listObjects(null, "manifests");
  assert.deepEqual(listed.map((o) => o.id), ["A", "B", "C", "D", "E"]);
  assert.equal(listed[0]!.sizeBytes, 1);
  const deleted = await backend().deleteBatch(null, { prefix: "manifests", batch: listed.map((o) => ({ id: o.id, size: o.sizeBytes })) });
  assert.deepEqual(deleted, { deletedObjects: 5, deletedBytes: 5 });
  assert.deepEqual(await backend().listObjects(null, "manifests/"), []);
});

test("a versioned copy copies only the version the writer read", async () => {
  const { newVersion } = await put("repo", "config-1");
  const b = backend();
  assert.equal((await b.copyObject(null, { from: "repo", to: "overwritten/repo.1", version: { etag: '"stale"' } })).kind, "not_on_latest_version");
  assert.equal((await b.copyObject(null, { from: "repo", to: "overwritten/repo.1", version: newVersion! })).kind, "updated");
  assert.equal((await b.getObjectRange(null, { path: "overwritten/repo.1" })).data.toString(), "config-1");
});

test("a wrong secret is refused by storage with a tagged error naming the S3 code", async () => {
  await assert.rejects(backend("wrong").getObjectRange(null, { path: "repo" }), (e: unknown) => {
    assert.ok(e instanceof ObjectStorageError);
    assert.equal(e.code, "SignatureDoesNotMatch");
    assert.ok(!e.message.includes("wrong"));
    return true;
  });
});

test("a HEAD refused for expired credentials (no body, so no error code) refreshes them once and goes on", async () => {
  const { newVersion } = await put("snapshots/HEADME", "x");
  assert.ok(newVersion);
  // The service announces an expiry an hour away, but storage already rejects the key (clock skew, revocation).
  const vended = [{ accessKeyId: "AKIDEXPIRED", secretAccessKey: "old" }, { accessKeyId: "AKIDTEST", secretAccessKey: "secret/with+chars", sessionToken: "session==" }];
  let n = 0;
  const credentials = refreshingCredentials(async () => ({ ...vended[Math.min(n++, 1)]!, expiresAt: new Date(Date.now() + 3_600_000) }));
  const client = createS3Client({ bucket: "bkt", prefix: "org/repo-1", region: "eu-west-1", endpoint: s3.endpoint, forcePathStyle: true, credentials, retryBaseMs: 1 });
  const rejectedBefore = s3.stats.expiredRejected;
  const modified = await createS3Backend(client).getObjectLastModified(null, "snapshots/HEADME");
  assert.ok(Math.abs(modified.getTime() - Date.now()) < 60_000, modified.toISOString());
  assert.equal(s3.stats.expiredRejected, rejectedBefore + 1);
  assert.equal(credentials.fetches, 2);
});
