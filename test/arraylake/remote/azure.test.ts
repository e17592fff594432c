/**
 * Arraylake repositories whose bucket is on Azure or GCS, through the same `Client` path as S3 ones: the
 * Arraylake stand-in names the bucket's platform, and floe picks the storage. On the native build an Azure
 * repository lives in Azurite (started here, loopback, temp folder) and is reached through Icechunk's own
 * Azure storage with the container SAS the stand-in vends. On the WebAssembly build both platforms are refused
 * with an error that names the build and what to do.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { icechunkBuild } from "../../../src/arraylake/build.ts";
import { CommitConflictError, UnsupportedPlatformError, type ArraylakeRepo } from "../../../src/arraylake/index.ts";
import { AZURITE_ACCOUNT, containerSas, startAzurite } from "../../fixtures/arraylake-service/azurite.ts";
import { overwriteArray, ramp, readArray, startRig, TOKEN, writeArray } from "./helpers.ts";

const BUILD = icechunkBuild();
const CONTAINER = "arraylake-repos";

async function refused(promise: Promise<unknown>): Promise<UnsupportedPlatformError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof UnsupportedPlatformError, `expected UnsupportedPlatformError, got ${String(error)}`);
  return error;
}

if (BUILD === "wasm") {
  test("WASM build: a repository on Azure is refused, naming the build and what to do; its registration is rolled back", async () => {
    // Nothing listens at this Azure endpoint: the refusal comes before any storage request.
    const azure = { accountUrl: `http://127.0.0.1:9/${AZURITE_ACCOUNT}`, account: AZURITE_ACCOUNT, container: CONTAINER, sas: (at: Date) => containerSas(CONTAINER, at) };
    const rig = await startRig({ platform: "azure", azure });
    const error = await refused(rig.client().createRepo("acme/onazure"));
    assert.equal(error.build, "wasm");
    assert.equal(error.platform, "azure");
    assert.match(error.message, /"acme\/onazure" is stored on Azure Blob Storage \(platform "azure"\)/);
    assert.match(error.message, /loaded the WebAssembly build of Icechunk, which has no GCS or Azure storage/);
    assert.match(error.message, /native build \(Linux x64 with glibc 2\.38 or newer, e\.g\. Ubuntu 24\.04 or Debian 13; macOS arm64; Windows x64\)/);
    assert.deepEqual(await rig.client().listRepos("acme"), [], "the registration was rolled back");
    assert.equal(rig.service.vended, 0, "no credentials were asked for");
  });

  test("WASM build: a repository on GCS is refused the same way", async () => {
    const rig = await startRig({ platform: "gs" });
    const error = await refused(rig.client().createRepo("acme/ongcs"));
    assert.equal(error.build, "wasm");
    assert.match(error.message, /stored on Google Cloud Storage \(platform "gs"\).*WebAssembly build.*S3 repositories work on both builds/);
  });
} else {
  const azurite = await startAzurite();
  after(() => azurite.stop());
  await azurite.createContainer(CONTAINER);
  const azureRig = (credentialTtlMs?: number) =>
    startRig({
      platform: "azure",
      ...(credentialTtlMs === undefined ? {} : { credentialTtlMs }),
      azure: { accountUrl: azurite.accountUrl, account: AZURITE_ACCOUNT, container: CONTAINER, sas: (at) => containerSas(CONTAINER, at) },
    });
  const rig = await azureRig();

  test("native build: an Arraylake repository on Azure is created, written, committed and read back through Icechunk's Azure storage", async () => {
    const repo = await rig.client().createRepo("acme/onazure");
    assert.match(repo.path, new RegExp(`^az://${CONTAINER}/[0-9a-f]+-onazure$`));
    const id = await writeArray(repo, "t2m", ramp(2000), "write t2m");
    const reopened = await rig.client().getRepo("acme/onazure");
    assert.deepEqual(await readArray(reopened, "t2m"), Array.from(ramp(2000)));
    assert.deepEqual((await reopened.ancestry()).map((s) => [s.id === id, s.message]), [[true, "write t2m"], [false, "Repository initialized"]]);
    const prefix = repo.path.replace(`az://${CONTAINER}/`, "");
    const blobs = await azurite.listBlobs(CONTAINER, `${prefix}/`);
    assert.ok(blobs.filter((b) => b.startsWith(`${prefix}/chunks/`)).length >= 8, `chunks are blobs in the container under the repo prefix: ${blobs.join(", ")}`);
    assert.ok(rig.service.vended >= 2, `a SAS was vended for each open (${rig.service.vended})`);
  });

  test("native build: two commits racing on one chunk in Azure: one wins, the other gets a conflict", async () => {
    await writeArray(await rig.client().createRepo("acme/azrace"), "x", ramp(256), "base");
    const [a, b] = await Promise.all([rig.client().getRepo("acme/azrace"), rig.client().getRepo("acme/azrace")]);
    const write = (repo: ArraylakeRepo, offset: number) => overwriteArray(repo, "x", ramp(256, offset), `offset ${offset}`);
    const results = await Promise.allSettled([write(a, 100), write(b, 200)]);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    assert.equal(lost.length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.ok(lost[0]!.reason instanceof CommitConflictError, String(lost[0]!.reason));
    const winner = results[0]!.status === "fulfilled" ? 100 : 200;
    assert.deepEqual(await readArray(await rig.client().getRepo("acme/azrace"), "x"), Array.from(ramp(256, winner)));
  });

  test("native build: a SAS that Azure refuses (expired) fails the open with an error that does not carry the token", async () => {
    const expired = await azureRig(-60_000);
    const error = await expired.client().createRepo("acme/azexpired").then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Error, String(error));
    const text = `${String(error)} ${String((error as Error).cause ?? "")}`;
    assert.doesNotMatch(text, /sig=(?!\*\*\*)/, "the SAS signature is not in the error");
    assert.ok(!text.includes(TOKEN));
    assert.deepEqual(await expired.client().listRepos("acme"), [], "the registration was rolled back");
  });
}
