/** `floe cluster status [--json]` on both adapters: nodes (with their floe and schema versions), leader, queue depth, leases; never the password. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { clusterCommand, type ClusterStatus } from "../../src/cli/cluster.ts";
import type { CliIO } from "../../src/cli/command.ts";
import { applyRunEvents, claimRuns, createRun, heartbeatNode, openDatabase, tryLeadership, type Store } from "../../src/store/index.ts";
import { PG_PASSWORD, postgresAdapter, type Adapter } from "../store/adapters.ts";

let pg: Adapter;
const dirs: string[] = [];
before(async () => {
  pg = await postgresAdapter();
});
after(async () => {
  await pg?.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function seed(store: Store): Promise<void> {
  const now = Date.now();
  await heartbeatNode(store, { id: "w1", role: "worker", host: "box-1", pid: 41, startedAt: now - 9000, heartbeatAt: now - 1000, floeVersion: "0.1.0", schemaVersion: 11 });
  await heartbeatNode(store, { id: "s1", role: "scheduler", host: "box-2", pid: 42, startedAt: now - 9000, heartbeatAt: now - 60_000 });
  for (let i = 0; i < 3; i++) await createRun(store, { pipeline: "p", version: "v", params: {}, trigger: { kind: "manual" }, createdAt: now + i });
  const [claim] = await claimRuns(store, { node: "w1", limit: 1, now, leaseMs: 30_000 });
  await applyRunEvents(store, [{ type: "run:transition", runId: claim!.run.id, from: "Pending", to: "Running", at: now }], { node: "w1" });
  await tryLeadership(store, { name: "scheduler", holder: "s1", now, ttlMs: 30_000 });
}

async function status(cwd: string, env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const io: CliIO = { cwd, env, isTTY: false, stdout: (s) => out.push(s), stderr: (s) => out.push(s) };
  const code = await clusterCommand.run(args, io);
  return { code, out: out.join("") };
}

for (const name of ["sqlite", "postgres"] as const) {
  test(`floe cluster status on ${name}`, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "floe-cluster-"));
    dirs.push(cwd);
    const url = name === "postgres" ? await pg.freshUrl!() : undefined;
    const env = { ...(url ? { FLOE_DATABASE_URL: url } : {}), FLOE_STATE_DIR: join(cwd, "state") };
    const store = await openDatabase({ url, path: join(cwd, "state", "floe.db") });
    await seed(store);
    await store.close();

    const json = await status(cwd, env, ["status", "--json"]);
    assert.equal(json.code, 0, json.out);
    const s = JSON.parse(json.out) as ClusterStatus;
    assert.deepEqual(s.nodes.map((n) => [n.id, n.role, n.alive, n.runs.length, n.running.length]), [["w1", "worker", true, 1, 1], ["s1", "scheduler", false, 0, 0]]);
    // what each node registered at start; a node that did not register them (older than schema 8) shows null
    assert.deepEqual(s.nodes.map((n) => [n.floeVersion, n.schemaVersion]), [["0.1.0", 11], [null, null]]);
    assert.equal(s.scheduler.leader, "s1");
    assert.deepEqual(s.queue, { pending: 2, running: 1 });
    assert.deepEqual(s.leases.leaders.map((l) => [l.name, l.holder, l.fence, l.live]), [["scheduler", "s1", 1, true]]);
    assert.equal(s.leases.runs.length, 1);
    assert.equal(s.leases.runs[0]!.node, "w1");
    const plain = await status(cwd, env, ["status"]);
    assert.match(plain.out, /scheduler s1 \(fence 1/);
    assert.match(plain.out, /2 pending, 1 running/);
    assert.match(plain.out, /^w1 +worker +box-1 +41 +0\.1\.0 +11 .* 1 +1$/m);
    assert.match(plain.out, /^s1 +scheduler +box-2 +42 +\? +\? /m);
    assert.match(plain.out, /FLOE +SCHEMA/);
    assert.match(plain.out, /leader of scheduler: s1 \(fence 1\) until/);
    assert.ok(!json.out.includes(PG_PASSWORD) && !plain.out.includes(PG_PASSWORD));
    assert.equal((await status(cwd, env, ["nodes"]).catch((e: Error) => ({ code: 2, out: e.message }))).code, 2);
  });
}
