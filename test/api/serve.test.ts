/** End to end over real HTTP: serveApp on a free port, real fetch, a live stream, a taken port. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp, serveApp, ServeError } from "../../src/api/index.ts";
import { RunDetailSchema } from "../../schemas/api-runs.ts";
import { createTestDaemon, json } from "./helpers.ts";
import { gated, hello } from "./pipelines.ts";
import { readSse } from "./sse.ts";

test("serve on a free port: create a run, follow it live, read it back, close", async () => {
  const g = gated();
  await using daemon = await createTestDaemon({ pipelines: [hello, g.pipeline] });
  await using server = await serveApp(createApp(daemon.deps, { host: "127.0.0.1" }), { host: "127.0.0.1", port: 0 });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await json(await fetch(`${server.url}/api/health`))).status, "ok");

  const created = await fetch(`${server.url}/api/pipelines/gated/runs`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ idempotencyKey: "e2e" }),
  });
  assert.equal(created.status, 201);
  const run = await json(created);
  const stream = await fetch(`${server.url}/api/runs/${run.id}/logs`, { headers: { accept: "text/event-stream" } });
  const seen: string[] = [];
  for await (const msg of readSse(stream)) {
    seen.push(msg.event === "log" ? msg.data.message : msg.event === "end" ? `end:${msg.data.state}` : msg.event);
    if (msg.event === "log" && msg.data.message === "waiting for the gate") g.open();
  }
  assert.ok(seen.includes("released"));
  assert.equal(seen.at(-1), "end:Completed");
  const detail = RunDetailSchema.parse(await json(await fetch(`${server.url}/api/runs/${run.id}`)));
  assert.equal(detail.state, "Completed");
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /floe_runs\{pipeline="gated",state="Completed"\} 1/);
});

test("closing the server ends open live streams", async () => {
  const g = gated();
  await using daemon = await createTestDaemon({ pipelines: [g.pipeline] });
  const server = await serveApp(createApp(daemon.deps, { host: "127.0.0.1" }), { host: "127.0.0.1", port: 0 });
  const run = await json(await fetch(`${server.url}/api/pipelines/gated/runs`, { method: "POST" }));
  const stream = await fetch(`${server.url}/api/runs/${run.id}/logs`, { headers: { accept: "text/event-stream" } });
  const reader = readSse(stream);
  await reader.next();
  await server.close();
  await assert.rejects(async () => {
    for (;;) if ((await reader.next()).done) throw new Error("ended");
  });
  g.open();
});

test("a port in use is a ServeError with a clear message", async () => {
  await using daemon = await createTestDaemon({ pipelines: [hello] });
  const app = createApp(daemon.deps, { host: "127.0.0.1" });
  await using first = await serveApp(app, { host: "127.0.0.1", port: 0 });
  const err = await serveApp(app, { host: "127.0.0.1", port: first.port }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ServeError);
  assert.equal(err.context.code, "EADDRINUSE");
  assert.match(err.message, new RegExp(`port ${first.port} on 127\\.0\\.0\\.1 is already in use`));
});
