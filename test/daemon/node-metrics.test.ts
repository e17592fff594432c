/**
 * A node's own metrics over real HTTP (the listener of a node without the API): node id and role on every series,
 * runs held and running, queue depth, lease renewals and losses, claim latency; `/healthz` follows the heartbeat.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createNodeMetrics } from "../../src/daemon/node-metrics.ts";
import { startNodeHttp, type NodeHealth } from "../../src/daemon/node-http.ts";
import { applyRunEvents, claimRuns, createRun, openDatabase } from "../../src/store/index.ts";

test("a node's /metrics and /healthz: labels, runs held and running, queue, leases, claim latency", async () => {
  const dir = mkdtempSync(join(tmpdir(), "floe-node-metrics-"));
  await using store = await openDatabase({ path: join(dir, "floe.db") });
  try {
    const now = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await createRun(store, { pipeline: "p", version: "v", params: {}, trigger: { kind: "manual" }, createdAt: now - 2000 + i })).run.id);
    const claims = await claimRuns(store, { node: "box:7", limit: 2, now, leaseMs: 30_000 });
    await applyRunEvents(store, [{ type: "run:transition", runId: claims[0]!.run.id, from: "Pending", to: "Running", at: now }], { node: "box:7" });
    // Another node's run counts for nobody here.
    await applyRunEvents(store, [{ type: "run:transition", runId: ids[3]!, from: "Pending", to: "Running", at: now }], { node: "other:1" });

    const metrics = createNodeMetrics({ store, node: "box:7", role: "worker", host: "box" });
    metrics.claimed(claims.map((c) => c.run.createdAt), now);
    metrics.renewed("run", 3);
    metrics.renewed("scheduler");
    metrics.lost("run");
    let health: NodeHealth = { ok: true, node: "box:7", role: "worker", lastHeartbeatAt: new Date(now).toISOString() };
    await using http = await startNodeHttp({ host: "127.0.0.1", port: 0, metrics, health: () => health });
    assert.match(http.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    const res = await fetch(`${http.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /text\/plain/);
    const text = await res.text();
    const series = (name: string, labels: string): RegExp => new RegExp(`^${name}\\{${labels}\\} ([0-9.e+-]+)$`, "m");
    const value = (name: string, labels: string): number => Number(series(name, labels).exec(text)?.[1] ?? Number.NaN);
    assert.equal(value("floe_node_info", 'host="box",node="box:7",role="worker"'), 1);
    assert.equal(value("floe_node_runs", 'state="held",node="box:7",role="worker"'), 2);
    assert.equal(value("floe_node_runs", 'state="running",node="box:7",role="worker"'), 1);
    assert.equal(value("floe_queue_depth", 'node="box:7",role="worker"'), 2, "one claimed run started, another node's too");
    assert.equal(value("floe_lease_renewals_total", 'lease="run",node="box:7",role="worker"'), 3);
    assert.equal(value("floe_lease_renewals_total", 'lease="scheduler",node="box:7",role="worker"'), 1);
    assert.equal(value("floe_lease_losses_total", 'lease="run",node="box:7",role="worker"'), 1);
    assert.equal(value("floe_lease_losses_total", 'lease="scheduler",node="box:7",role="worker"'), 0);
    assert.equal(value("floe_claim_latency_seconds_count", 'node="box:7",role="worker"'), 2);
    assert.ok(value("floe_claim_latency_seconds_sum", 'node="box:7",role="worker"') >= 3.9, "waited about 2 s each");
    assert.equal(value("floe_claim_latency_seconds_bucket", 'le="1",node="box:7",role="worker"'), 0);

    const ok = await fetch(`${http.url}/healthz`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), health);
    health = { ...health, ok: false };
    assert.equal((await fetch(`${http.url}/healthz`)).status, 503);
    const other = await fetch(`${http.url}/api/runs`);
    assert.equal(other.status, 404);
    assert.match(((await other.json()) as { error: { message: string } }).error.message, /serves \/metrics and \/healthz/);
    assert.equal((await fetch(`${http.url}/metrics`, { method: "POST" })).status, 405);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
