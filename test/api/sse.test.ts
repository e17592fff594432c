/** Live logs over SSE: the stream carries new lines and state changes as they happen, then ends with the run. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/api/index.ts";
import { createTestDaemon, json } from "./helpers.ts";
import { gated, hello } from "./pipelines.ts";
import { readSse, type SseMessage } from "./sse.ts";

const SSE = { headers: { accept: "text/event-stream" } };

test("a live stream receives a log line, then the final state, then ends", async () => {
  const g = gated();
  await using daemon = await createTestDaemon({ pipelines: [g.pipeline] });
  const app = createApp(daemon.deps, { host: "127.0.0.1", ssePollMs: 2000 });
  const run = await json(await app.request("/api/pipelines/gated/runs", { method: "POST" }));
  const res = await app.request(`/api/runs/${run.id}/logs`, SSE);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /text\/event-stream/);
  const seen: SseMessage[] = [];
  const started = Date.now();
  for await (const msg of readSse(res)) {
    seen.push(msg);
    if (msg.event === "log" && msg.data.message === "waiting for the gate") g.open();
  }
  // woken by live events, not the 2 s poll
  assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  const logs = seen.filter((m) => m.event === "log").map((m) => m.data.message);
  assert.deepEqual(logs, ["waiting for the gate", "released"]);
  const runStates = seen.filter((m) => m.event === "transition" && m.data.task === null).map((m) => m.data.to);
  assert.deepEqual(runStates, ["Pending", "Running", "Completed"]);
  const last = seen.at(-1)!;
  assert.equal(last.event, "end");
  assert.deepEqual(last.data, { runId: run.id, state: "Completed" });
  // ids resume exactly: Last-Event-ID after the first log line replays only what followed
  const firstLog = seen.find((m) => m.event === "log")!;
  const resumed: SseMessage[] = [];
  for await (const msg of readSse(await app.request(`/api/runs/${run.id}/logs`, { headers: { ...SSE.headers, "last-event-id": firstLog.id! } }))) resumed.push(msg);
  assert.deepEqual(resumed.filter((m) => m.event === "log").map((m) => m.data.message), ["released"]);
});

test("a stream of an ended run replays its lines and ends at once; filters apply", async () => {
  await using daemon = await createTestDaemon({ pipelines: [hello] });
  const app = createApp(daemon.deps, { host: "127.0.0.1" });
  const run = await json(await app.request("/api/pipelines/hello/runs", { method: "POST" }));
  await daemon.settled(run.id);
  const msgs: SseMessage[] = [];
  for await (const m of readSse(await app.request(`/api/runs/${run.id}/logs?level=info`, SSE))) msgs.push(m);
  assert.deepEqual(msgs.filter((m) => m.event === "log").map((m) => m.data.message), ["hello world"]);
  assert.equal(msgs.at(-1)!.event, "end");
  const missing = await app.request("/api/runs/NOPE/logs", SSE);
  assert.equal(missing.status, 404);
});

test("a client that disconnects releases its subscription", async () => {
  const g = gated();
  await using daemon = await createTestDaemon({ pipelines: [g.pipeline] });
  let subscribed = 0;
  const subscribe = daemon.deps.subscribe;
  daemon.deps.subscribe = (listener, runId) => {
    subscribed++;
    const off = subscribe(listener, runId);
    return () => {
      subscribed--;
      off();
    };
  };
  const app = createApp(daemon.deps, { host: "127.0.0.1", ssePollMs: 20 });
  const base = subscribed;
  const run = await json(await app.request("/api/pipelines/gated/runs", { method: "POST" }));
  const abort = new AbortController();
  const res = await app.request(`/api/runs/${run.id}/logs`, { ...SSE, signal: abort.signal });
  const reader = readSse(res);
  await reader.next();
  assert.equal(subscribed, base + 1);
  await reader.return(undefined);
  abort.abort();
  for (let i = 0; i < 100 && subscribed > base; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(subscribed, base);
  g.open();
  await daemon.settled(run.id);
});
