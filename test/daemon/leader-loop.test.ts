/** Scheduler leadership on real PostgreSQL: one leader among nodes, and a take-over when the leader stops. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createLogger } from "../../src/daemon/logger.ts";
import { leaderTtlMsOf, startLeaderLoop, type LeaderLoop } from "../../src/daemon/leader-loop.ts";
import { getLeadership, type Store } from "../../src/store/index.ts";
import { postgresAdapter, type Adapter } from "../store/adapters.ts";

let pg: Adapter;
before(async () => {
  pg = await postgresAdapter();
});
after(() => pg?.cleanup());

const until = async (what: string, ok: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

test("three nodes: one runs the scheduler; when it stops, another takes over", async () => {
  const store: Store = await pg.open();
  const log = createLogger("json", () => undefined, Date.now, "info");
  const running = new Map<string, boolean>();
  const loops = new Map<string, LeaderLoop>();
  let renewals = 0;
  for (const holder of ["a", "b", "c"]) {
    const duty = { start: () => void running.set(holder, true), stop: async () => void running.set(holder, false) };
    // a lease a loaded machine can renew in time (renewed every third of it)
    loops.set(holder, startLeaderLoop({ store, name: "scheduler", holder, ttlMs: 2_000, duty, now: Date.now, log, onLease: (held) => void (held && renewals++) }));
  }
  const leaders = (): string[] => [...running].filter(([, on]) => on).map(([h]) => h);
  await until("a leader", () => leaders().length === 1);
  const renewed = renewals;
  await until("two renewals", () => renewals >= renewed + 2); // several renewals later: still exactly one
  assert.equal(leaders().length, 1);
  const first = leaders()[0]!;
  assert.equal((await getLeadership(store, "scheduler"))?.holder, first);
  await loops.get(first)!.stop(); // resigns: the next takes over without waiting for the lease
  await until("a new leader", () => leaders().length === 1 && leaders()[0] !== first);
  const second = leaders()[0]!;
  assert.equal((await getLeadership(store, "scheduler"))?.fence, 2);
  for (const [holder, loop] of loops) if (holder !== first) await loop.stop();
  assert.deepEqual(leaders(), []);
  assert.ok(second !== first);
});

test("FLOE_LEADER_TTL_MS: a whole number of ms of at least 1000, 15 s by default", () => {
  assert.equal(leaderTtlMsOf({}), 15_000);
  assert.equal(leaderTtlMsOf({ FLOE_LEADER_TTL_MS: "4000" }), 4_000);
  assert.throws(() => leaderTtlMsOf({ FLOE_LEADER_TTL_MS: "15s" }), /FLOE_LEADER_TTL_MS "15s" is not usable: expected a whole number of milliseconds, at least 1000/);
  assert.throws(() => leaderTtlMsOf({ FLOE_LEADER_TTL_MS: "10" }), /at least 1000/);
});
