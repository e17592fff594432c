/** Scheduler leadership on real PostgreSQL: one leader among nodes, and a take-over when the leader stops. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createLogger } from "../../src/daemon/logger.ts";
import { startLeaderLoop, type LeaderLoop } from "../../src/daemon/leader-loop.ts";
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
  for (const holder of ["a", "b", "c"]) {
    const duty = { start: () => void running.set(holder, true), stop: async () => void running.set(holder, false) };
    loops.set(holder, startLeaderLoop({ store, name: "scheduler", holder, ttlMs: 900, duty, now: Date.now, log }));
  }
  const leaders = (): string[] => [...running].filter(([, on]) => on).map(([h]) => h);
  await until("a leader", () => leaders().length === 1);
  await new Promise((r) => setTimeout(r, 1000)); // several renewals later: still exactly one
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
