import assert from "node:assert/strict";
import { test } from "node:test";
import {
  advanceScheduleCursor, getSchedule, listLeases, listSchedules, pruneExpiredLeases, releaseLease,
  releaseLeasesOfRuns, removeSchedulesNotIn, setSchedulePaused, tryAcquireLease, upsertSchedules,
} from "../../src/store/index.ts";
import { tempStore } from "./helpers.ts";

test("leases: the pool limit is respected, a holder renews, release frees a slot", async (t) => {
  const store = tempStore(t);
  const take = async (holder: string, runId: string, now = 0, expiresAt = 1000): Promise<boolean> =>
    await tryAcquireLease(store, { pool: "writes", limit: 2, holder, runId, expiresAt, now });
  assert.equal(await take("r1/a", "r1"), true);
  assert.equal(await take("r2/a", "r2"), true);
  assert.equal(await take("r3/a", "r3"), false);
  assert.equal(await take("r1/a", "r1", 10, 2000), true); // renewal, not a third slot
  assert.equal((await listLeases(store, 10, "writes")).find((l) => l.holder === "r1/a")?.expiresAt, 2000);
  // Another pool is independent.
  assert.equal(await tryAcquireLease(store, { pool: "other", limit: 1, holder: "r3/b", runId: "r3", expiresAt: 1000, now: 0 }), true);
  assert.equal(await releaseLease(store, "r2/a"), true);
  assert.equal(await releaseLease(store, "r2/a"), false);
  assert.equal(await take("r3/a", "r3"), true);
});

test("leases: expiry frees slots, and a crashed run's leases are released by run id", async (t) => {
  const store = tempStore(t);
  assert.ok(await tryAcquireLease(store, { pool: "p", limit: 1, holder: "r1/a", runId: "r1", expiresAt: 100, now: 0 }));
  assert.equal(await tryAcquireLease(store, { pool: "p", limit: 1, holder: "r2/a", runId: "r2", expiresAt: 200, now: 50 }), false);
  // At 100 the first lease has expired: the slot is free even before pruning.
  assert.equal(await tryAcquireLease(store, { pool: "p", limit: 1, holder: "r2/a", runId: "r2", expiresAt: 200, now: 100 }), true);
  assert.equal(await pruneExpiredLeases(store, 100), 1);
  assert.deepEqual((await listLeases(store, 100)).map((l) => l.holder), ["r2/a"]);
  assert.ok(await tryAcquireLease(store, { pool: "q", limit: 5, holder: "r2/b", runId: "r2", expiresAt: 200, now: 100 }));
  assert.equal(await releaseLeasesOfRuns(store, ["r2"]), 2);
  assert.deepEqual(await listLeases(store, 100), []);
});

test("schedules: upsert keeps cursor and pause, the cursor only moves forward, removal by pipeline", async (t) => {
  const store = tempStore(t);
  const nightly = { id: "p:nightly", pipeline: "p", name: "nightly", cron: "0 2 * * *", timezone: "Europe/Paris",
    policy: { catchUp: "latest", overlap: "skip" } };
  const hourly = { id: "p:hourly", pipeline: "p", name: "hourly", cron: "0 * * * *", timezone: "UTC", policy: {} };
  await upsertSchedules(store, [nightly, hourly], 1);
  assert.equal(await advanceScheduleCursor(store, "p:nightly", 1000), true);
  assert.equal(await advanceScheduleCursor(store, "p:nightly", 900), false);
  assert.equal(await advanceScheduleCursor(store, "p:nightly", 1000), false);
  assert.equal(await setSchedulePaused(store, "p:nightly", true), true);
  assert.equal(await setSchedulePaused(store, "missing", true), false);
  await upsertSchedules(store, [{ ...nightly, cron: "0 3 * * *" }], 2);
  const s = (await getSchedule(store, "p:nightly"))!;
  assert.deepEqual([s.cron, s.cursorAt, s.paused, s.updatedAt], ["0 3 * * *", 1000, true, 2]);
  assert.deepEqual(s.policy, { catchUp: "latest", overlap: "skip" });
  assert.deepEqual(await removeSchedulesNotIn(store, "p", ["p:nightly"]), ["p:hourly"]);
  assert.deepEqual((await listSchedules(store)).map((x) => x.id), ["p:nightly"]);
  assert.deepEqual(await removeSchedulesNotIn(store, "p", []), ["p:nightly"]);
  assert.deepEqual(await listSchedules(store), []);
});
