/** Auth: loopback needs no token; any other host requires one, as a bearer token, on all but health/metrics/docs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp, isLoopback } from "../../src/api/index.ts";
import { ConfigError } from "../../src/core/errors.ts";
import { createTestDaemon, json } from "./helpers.ts";
import { hello } from "./pipelines.ts";

const TOKEN = "s3cret-token-0123456789";

test("loopback addresses", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) assert.equal(isLoopback(h), true, h);
  for (const h of ["0.0.0.0", "::", "192.168.1.10", "example.com", "128.0.0.1"]) assert.equal(isLoopback(h), false, h);
});

test("a non-loopback host without a token (or with a short one) refuses to build the app", async () => {
  await using daemon = await createTestDaemon({ pipelines: [hello] });
  assert.throws(() => createApp(daemon.deps, { host: "0.0.0.0" }), (e) => e instanceof ConfigError && /api token/i.test(e.message));
  assert.throws(() => createApp(daemon.deps, { host: "0.0.0.0", apiToken: "short" }), ConfigError);
  assert.doesNotThrow(() => createApp(daemon.deps, { host: "127.0.0.1" }));
});

test("401 without or with a wrong token; health, metrics and the docs shell stay open", async () => {
  await using daemon = await createTestDaemon({ pipelines: [hello] });
  const app = createApp(daemon.deps, { host: "0.0.0.0", apiToken: TOKEN });
  for (const path of ["/api/runs", "/api/pipelines", "/api/schedules", "/api/commits", "/openapi.json", "/api/runs/x", "/nope"]) {
    const none = await app.request(path);
    assert.equal(none.status, 401, path);
    assert.equal((await json(none)).error.code, "unauthorized");
    assert.match(none.headers.get("www-authenticate")!, /Bearer/);
    for (const header of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Basic ${TOKEN}`, "Bearer", `Bearer  ${TOKEN} extra`]) {
      assert.equal((await app.request(path, { headers: { authorization: header } })).status, 401, `${path} ${header}`);
    }
  }
  const post = await app.request("/api/pipelines/hello/runs", { method: "POST" });
  assert.equal(post.status, 401);
  assert.equal((await json(await app.request("/api/runs"))).error.code, "unauthorized");
  const ok = await app.request("/api/runs", { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(ok.status, 200);
  assert.equal((await app.request("/api/runs", { headers: { authorization: `bearer ${TOKEN}` } })).status, 200);
  for (const open of ["/api/health", "/metrics", "/docs"]) assert.equal((await app.request(open)).status, 200, open);
  const doc = await json(await app.request("/openapi.json", { headers: { authorization: `Bearer ${TOKEN}` } }));
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: "http", scheme: "bearer" });
  assert.deepEqual(doc.paths["/api/health"].get.security, []);
});

test("CORS is off by default and on only for the configured origins", async () => {
  await using daemon = await createTestDaemon({ pipelines: [hello] });
  const closed = createApp(daemon.deps, { host: "127.0.0.1" });
  const res = await closed.request("/api/runs", { headers: { origin: "https://evil.example" } });
  assert.equal(res.headers.get("access-control-allow-origin"), null);
  const open = createApp(daemon.deps, { host: "127.0.0.1", cors: { origins: ["https://dash.example"] } });
  const ok = await open.request("/api/runs", { headers: { origin: "https://dash.example" } });
  assert.equal(ok.headers.get("access-control-allow-origin"), "https://dash.example");
  const other = await open.request("/api/runs", { headers: { origin: "https://evil.example" } });
  assert.notEqual(other.headers.get("access-control-allow-origin"), "https://evil.example");
});
