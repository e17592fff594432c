/** The database-loss grace: runs are stopped at the grace or before their leases end, whichever is first, unless a last renewal goes through. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createDbGrace, graceMsOf } from "../../src/daemon/db-grace.ts";
import { createLogger } from "../../src/daemon/logger.ts";

const lines: string[] = [];
const log = createLogger("json", (l) => void lines.push(l), Date.now, "info");

function grace(graceMs: number, renewOk: boolean, leasesUntil = Number.POSITIVE_INFINITY) {
  const expired: { why: string; at: number }[] = [];
  const g = createDbGrace({
    graceMs, marginMs: 100, leasesUntil: () => leasesUntil, renew: async () => renewOk,
    expire: (why) => void expired.push({ why, at: Date.now() }), now: Date.now, log,
  });
  return { g, expired };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("past the grace, runs are stopped; a renewal in time, or at the deadline, keeps them", async () => {
  const lost = grace(300, false);
  const t0 = Date.now();
  lost.g.unreachable(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
  lost.g.unreachable(new Error("again")); // one outage, one deadline
  await sleep(1_200);
  assert.equal(lost.expired.length, 1);
  assert.ok(lost.expired[0]!.at - t0 >= 290, `stopped after ${lost.expired[0]!.at - t0} ms`);
  assert.match(lost.expired[0]!.why, /the database has been unreachable for \d+ s/);
  assert.ok(lines.some((l) => l.includes("store:unavailable") && l.includes("ECONNREFUSED")));

  const back = grace(300, false);
  back.g.unreachable(new Error("down"));
  await sleep(100);
  back.g.reachable();
  await sleep(500);
  assert.deepEqual(back.expired, []);
  assert.ok(lines.some((l) => l.includes("store:restored")));

  const lastChance = grace(200, true);
  lastChance.g.unreachable(new Error("down"));
  await sleep(700);
  assert.deepEqual(lastChance.expired, []);
  for (const x of [lost, back, lastChance]) x.g.close();
});

test("the leases bound the grace: runs stop before the earliest lease can expire", async () => {
  const t0 = Date.now();
  const { g, expired } = grace(60_000, false, t0 + 600); // a lease that ends in 0.6 s
  g.unreachable(new Error("down"));
  await sleep(1_500);
  assert.equal(expired.length, 1);
  assert.ok(expired[0]!.at - t0 < 1_000, `stopped ${expired[0]!.at - t0} ms in, before the lease (600 ms) plus a last try`);
  g.close();
});

test("FLOE_DB_GRACE_MS: a whole number of ms, 20 s by default", () => {
  assert.equal(graceMsOf({}), 20_000);
  assert.equal(graceMsOf({ FLOE_DB_GRACE_MS: "5000" }), 5_000);
  assert.throws(() => graceMsOf({ FLOE_DB_GRACE_MS: "20s" }), /FLOE_DB_GRACE_MS "20s" is not usable: expected a whole number of milliseconds/);
});
