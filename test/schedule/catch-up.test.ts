/** Catch-up after simulated downtime: each policy, a brand-new schedule, on-time slots. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ScheduleSchema, type ScheduleInput } from "../../schemas/schedule.ts";
import { dueSlots } from "../../src/schedule/index.ts";

const at = (s: string): number => Date.parse(s);
const hourly = (catchUp: ScheduleInput["catchUp"]) => ScheduleSchema.parse({ cron: "0 * * * *", catchUp });
const iso = (xs: readonly number[]): string[] => xs.map((x) => new Date(x).toISOString());
const threeToFive = ["2025-01-01T03:00:00.000Z", "2025-01-01T04:00:00.000Z", "2025-01-01T05:00:00.000Z"];
// last handled 01:00, daemon back at 05:20: slots 02:00, 03:00, 04:00, 05:00 were missed
const cursor = at("2025-01-01T01:00:00Z");
const now = at("2025-01-01T05:20:00Z");
const latestSlot = at("2025-01-01T05:00:00Z");

test("a brand-new schedule fires nothing from the past; its cursor starts now", () => {
  assert.deepEqual(dueSlots({ schedule: hourly("latest"), cursor: undefined, now }), { slots: [], cursor: now });
});

test('"none": missed slots are given up, the cursor moves to the latest past slot', () => {
  assert.deepEqual(dueSlots({ schedule: hourly("none"), cursor, now }), { slots: [], cursor: latestSlot });
  // but a slot that is merely on time (within the grace) fires
  const onTime = at("2025-01-01T05:00:00.004Z");
  const due = dueSlots({ schedule: hourly("none"), cursor, now: onTime });
  assert.deepEqual(due, { slots: [latestSlot], cursor: latestSlot });
  assert.deepEqual(dueSlots({ schedule: hourly("none"), cursor, now: onTime + 120_000, graceMs: 60_000 }).slots, []);
});

test('"latest": only the most recent missed slot', () => {
  assert.deepEqual(dueSlots({ schedule: hourly("latest"), cursor, now }), { slots: [latestSlot], cursor: latestSlot });
});

test("{ maxSlots, window }: the N most recent missed slots within the window", () => {
  const three = dueSlots({ schedule: hourly({ maxSlots: 3 }), cursor, now });
  assert.deepEqual(iso(three.slots), threeToFive);
  assert.equal(three.cursor, latestSlot);
  const windowed = dueSlots({ schedule: hourly({ maxSlots: 10, window: "2h30m" }), cursor, now });
  assert.deepEqual(iso(windowed.slots), threeToFive);
  const all = dueSlots({ schedule: hourly({ maxSlots: 10 }), cursor, now });
  assert.equal(all.slots.length, 4);
  // a window shorter than the downtime still lets an on-time slot fire
  const tight = dueSlots({ schedule: hourly({ maxSlots: 5, window: "1s" }), cursor, now: latestSlot + 3 });
  assert.deepEqual(tight.slots, [latestSlot]);
});

test("nothing due: the cursor stays; a cursor ahead of now (clock moved back) fires nothing", () => {
  const c = at("2025-01-01T05:00:00Z");
  assert.deepEqual(dueSlots({ schedule: hourly("latest"), cursor: c, now }), { slots: [], cursor: c });
  assert.deepEqual(dueSlots({ schedule: hourly({ maxSlots: 3 }), cursor: now + 3_600_000, now }).slots, []);
});

test("downtime across a DST gap follows the DST rules", () => {
  const schedule = ScheduleSchema.parse({ cron: "30 2 * * *", timezone: "Europe/Paris", catchUp: { maxSlots: 5 } });
  const due = dueSlots({ schedule, cursor: at("2025-03-28T01:30:00Z"), now: at("2025-03-31T12:00:00Z") });
  // 02:30 on the 30th does not exist: it fired at 03:00 CEST
  assert.deepEqual(iso(due.slots), [
    "2025-03-29T01:30:00.000Z",
    "2025-03-30T01:00:00.000Z",
    "2025-03-31T00:30:00.000Z",
  ]);
});
