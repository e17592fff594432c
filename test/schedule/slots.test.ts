/** Slot times in UTC and in time zones without DST; ids. DST transitions are in dst.test.ts. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nextSlots, previousSlot, scheduleId, slotsBetween } from "../../src/schedule/index.ts";

const iso = (xs: readonly number[]): string[] => xs.map((x) => new Date(x).toISOString());
const at = (s: string): number => Date.parse(s);

test("scheduleId is readable, URL-safe and stable", () => {
  assert.equal(scheduleId("seasonal-means", "nightly"), "seasonal-means:nightly");
  assert.equal(scheduleId("seasonal-means", "nightly"), scheduleId("seasonal-means", "nightly"));
  assert.equal(encodeURIComponent(scheduleId("a_b", "c-1")).length, "a_b%3Ac-1".length);
});

test("nextSlots in UTC: strictly after, 5 and 6 fields, shorthands", () => {
  const utc = (cron: string) => ({ cron, timezone: "UTC" });
  assert.deepEqual(iso(nextSlots(utc("0 2 * * *"), at("2025-01-01T02:00:00Z"), 2)), [
    "2025-01-02T02:00:00.000Z",
    "2025-01-03T02:00:00.000Z",
  ]);
  assert.deepEqual(iso(nextSlots(utc("*/15 * * * * *"), at("2025-01-01T00:00:07.250Z"), 3)), [
    "2025-01-01T00:00:15.000Z",
    "2025-01-01T00:00:30.000Z",
    "2025-01-01T00:00:45.000Z",
  ]);
  assert.deepEqual(iso(nextSlots(utc("@monthly"), at("2025-01-15T00:00:00Z"), 2)), [
    "2025-02-01T00:00:00.000Z",
    "2025-03-01T00:00:00.000Z",
  ]);
  assert.deepEqual(iso(nextSlots(utc("0 0 29 2 *"), at("2025-01-01T00:00:00Z"), 1)), ["2028-02-29T00:00:00.000Z"]);
  assert.deepEqual(nextSlots(utc("* * * * *"), 0, 0), []);
});

test("nextSlots in a time zone: cron fields are local wall-clock time", () => {
  assert.deepEqual(iso(nextSlots({ cron: "0 9 * * 1-5", timezone: "Asia/Tokyo" }, at("2025-01-03T00:00:00Z"), 2)), [
    "2025-01-06T00:00:00.000Z", // Monday 09:00 JST (Friday's 09:00 was exactly `after`)
    "2025-01-07T00:00:00.000Z",
  ]);
  assert.deepEqual(iso(nextSlots({ cron: "0 2 * * *", timezone: "America/New_York" }, at("2025-07-01T00:00:00Z"), 1)), [
    "2025-07-01T06:00:00.000Z", // EDT, UTC-4
  ]);
  assert.deepEqual(iso(nextSlots({ cron: "0 2 * * *", timezone: "America/New_York" }, at("2025-12-01T00:00:00Z"), 1)), [
    "2025-12-01T07:00:00.000Z", // EST, UTC-5
  ]);
  assert.deepEqual(iso(nextSlots({ cron: "30 0 * * *", timezone: "Asia/Kolkata" }, at("2025-01-01T00:00:00Z"), 1)), [
    "2025-01-01T19:00:00.000Z", // UTC+5:30
  ]);
});

test("slotsBetween: (from, to], earliest or latest, ascending either way", () => {
  const hourly = { cron: "0 * * * *", timezone: "UTC" };
  const from = at("2025-01-01T00:00:00Z");
  const to = at("2025-01-01T05:00:00Z");
  assert.deepEqual(iso(slotsBetween(hourly, from, to, 10)), [1, 2, 3, 4, 5].map((h) => `2025-01-01T0${h}:00:00.000Z`));
  assert.deepEqual(iso(slotsBetween(hourly, from, to, 2)), ["2025-01-01T01:00:00.000Z", "2025-01-01T02:00:00.000Z"]);
  const latest = slotsBetween(hourly, from, to, 2, "latest");
  assert.deepEqual(iso(latest), ["2025-01-01T04:00:00.000Z", "2025-01-01T05:00:00.000Z"]);
  assert.deepEqual(slotsBetween(hourly, to, from, 10), []);
  // walking back from `to` costs the same however long ago `from` was
  const secondly = { cron: "* * * * * *", timezone: "UTC" };
  const t0 = performance.now();
  assert.equal(slotsBetween(secondly, 0, at("2025-01-01T00:00:00Z"), 3, "latest").length, 3);
  assert.ok(performance.now() - t0 < 200);
});

test("previousSlot: at or before", () => {
  const hourly = { cron: "0 * * * *", timezone: "UTC" };
  assert.equal(previousSlot(hourly, at("2025-01-01T05:00:00Z")), at("2025-01-01T05:00:00Z"));
  assert.equal(previousSlot(hourly, at("2025-01-01T05:59:59.999Z")), at("2025-01-01T05:00:00Z"));
});
