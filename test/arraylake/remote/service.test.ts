/**
 * The service half of the remote backend against the contract server: repository lifecycle, the wire
 * contract (routes, accept header, bearer token), and every error the issue lists. Loopback only.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import {
  Client,
  OrgNotFoundError,
  RepoExistsError,
  RepoNotFoundError,
  ServiceError,
  ServiceUnreachableError,
  TokenRejectedError,
  UnsupportedPlatformError,
} from "../../../src/arraylake/index.ts";
import { clientFromConfig } from "../../../src/arraylake/config.ts";
import { resolveConfig } from "../../../src/config/resolve.ts";
import { OTHER_TOKEN, startRig, TOKEN } from "./helpers.ts";

const rig = await startRig();
const seen: unknown[] = [];

async function rejects<T>(fn: () => Promise<unknown>, type: abstract new (...args: never[]) => T): Promise<T> {
  try {
    await fn();
  } catch (error) {
    seen.push(error);
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${type.name}`);
}

test("create, list, open, delete a repository through the service", async () => {
  const client = rig.client();
  assert.equal(client.backend, "remote");
  assert.deepEqual(await client.listRepos("acme"), []);
  const repo = await client.createRepo("acme/climate");
  assert.match(repo.path, /^s3:\/\/arraylake-test\/[0-9a-f]{12}-climate$/);
  assert.deepEqual(await repo.listBranches(), ["main"]);
  const listed = await client.listRepos("acme");
  assert.deepEqual(listed.map((r) => r.id), ["acme/climate"]);
  assert.equal(listed[0]!.path, repo.path);
  const opened = await client.getRepo("acme/climate");
  assert.equal((await opened.ancestry()).length, 1);
  await rejects(() => client.createRepo("acme/climate"), RepoExistsError);
  const again = await client.getOrCreateRepo("acme/climate");
  assert.equal(again.path, repo.path);
  await client.deleteRepo("acme/climate");
  await rejects(() => client.getRepo("acme/climate"), RepoNotFoundError);
  await rejects(() => client.deleteRepo("acme/climate"), RepoNotFoundError);
  assert.equal(rig.s3.keys("arraylake-test", repo.path.split("/").pop()!).length, 0, "the service deleted its objects");
});

test("every request carries the bearer token and the Arraylake accept header, on the Python client's routes", async () => {
  const client = rig.client();
  await client.getOrCreateRepo("acme/routes");
  const routes = new Set(rig.service.calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f]{12}-/, "")}`));
  for (const r of ["GET /orgs/acme/repos", "POST /orgs/acme/repos", "GET /repos/acme/routes", "GET /repos/acme/routes/bucket-credentials"]) {
    assert.ok(routes.has(r), `${r} in ${[...routes].join(", ")}`);
  }
  assert.ok(rig.service.calls.every((c) => c.accept === "application/vnd.earthmover+json"));
});

test("401: a token the service rejects is reported as such, without echoing it", async () => {
  const wrong = "ema_notKnownToTheService_123";
  const client = rig.client({ token: wrong });
  const error = await rejects(() => client.listRepos("acme"), TokenRejectedError);
  assert.equal(error.status, 401);
  assert.match(error.message, /rejected the token/);
  assert.ok(!error.message.includes(wrong));
});

test("403: a token without access to the org", async () => {
  const error = await rejects(() => rig.client({ token: OTHER_TOKEN }).getRepo("acme/anything"), TokenRejectedError);
  assert.equal(error.status, 403);
  assert.match(error.message, /not allowed/);
});

test("404: no such org, no such repository", async () => {
  const client = rig.client();
  const org = await rejects(() => client.listRepos("nope"), OrgNotFoundError);
  assert.equal(org.org, "nope");
  const repo = await rejects(() => client.getRepo("acme/missing"), RepoNotFoundError);
  assert.equal(repo.repo, "acme/missing");
});

test("429 and 503 are retried with backoff (honouring Retry-After), then succeed", async () => {
  const client = rig.client();
  const before = rig.service.calls.length;
  rig.service.fault({ method: "GET", path: "/orgs/other/repos", status: 429, times: 1, retryAfter: "0" });
  rig.service.fault({ method: "GET", path: "/orgs/other/repos", status: 503, times: 1 });
  assert.deepEqual(await client.listRepos("other"), []);
  assert.equal(rig.service.calls.length - before, 3);
});

test("429/5xx that persist end in a clear error after bounded retries", async () => {
  const client = rig.client();
  const before = rig.service.calls.length;
  rig.service.fault({ method: "GET", path: "/orgs/other/repos", status: 503, times: 10 });
  const error = await rejects(() => client.listRepos("other"), ServiceError);
  assert.match(error.message, /kept failing .* \(3 attempts\); last: HTTP 503/);
  assert.equal(rig.service.calls.length - before, 3);
  rig.service.clearFaults();
  assert.deepEqual(await client.listRepos("other"), []);
});

test("a 500 on a write is not retried (it may have happened)", async () => {
  const client = rig.client();
  const before = rig.service.calls.length;
  rig.service.fault({ method: "POST", path: "/orgs/other/repos", status: 500, times: 1 });
  const error = await rejects(() => client.createRepo("other/once"), ServiceError);
  assert.equal(error.status, 500);
  assert.equal(rig.service.calls.length - before, 1);
});

test("an unreachable service is reported as such after retries", async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const client = rig.client({ serviceUri: `http://127.0.0.1:${port}` });
  const error = await rejects(() => client.listRepos("acme"), ServiceUnreachableError);
  assert.match(error.message, /cannot reach the Arraylake service at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
});

test("a repository on a platform floe does not know is a clear error, and its registration is rolled back", async () => {
  const other = await startRig({ platform: "oss" });
  const error = await rejects(() => other.client().createRepo("acme/onoss"), UnsupportedPlatformError);
  assert.match(error.message, /platform "oss", which floe does not support \(it reaches S3 and S3-compatible buckets on both Icechunk builds, GCS and Azure on the native build\)/);
  assert.deepEqual(await other.client().listRepos("acme"), [], "the registration was rolled back");
});

test("a bucket with HMAC keys is used with those keys, no credentials vended", async () => {
  const hmac = await startRig({ bucketAuth: "hmac" });
  const repo = await hmac.client().createRepo("acme/hmac");
  assert.deepEqual(await (await hmac.client().getRepo("acme/hmac")).listBranches(), ["main"]);
  assert.equal(hmac.service.vended, 0);
  assert.ok(hmac.s3.stats.signatureChecked > 0);
  assert.ok(repo.path.startsWith("s3://arraylake-test/"));
});

test("the token and service URI come from arraylake.config.ts or the environment", () => {
  const fromEnv = new Client({ env: { ARRAYLAKE_TOKEN: TOKEN, ARRAYLAKE_SERVICE__URI: rig.service.url } });
  assert.equal(fromEnv.backend, "remote");
  assert.equal(fromEnv.serviceUri, rig.service.url);
  const resolved = resolveConfig({ arraylake: { token: TOKEN, serviceUri: rig.service.url } }, process.cwd(), {});
  const configured = clientFromConfig(resolved);
  assert.equal(configured.backend, "remote");
  assert.equal(configured.serviceUri, rig.service.url);
  fromEnv.close();
  configured.close();
});

test("no error seen in this file contains the token", () => {
  assert.ok(seen.length >= 9);
  for (const error of seen) {
    const text = `${String(error)} ${JSON.stringify(error)} ${String((error as Error).cause ?? "")}`;
    assert.ok(!text.includes(TOKEN) && !text.includes(OTHER_TOKEN), text);
  }
});
