/**
 * DST: a local time that does not exist fires once at the next valid time (the instant the clock jumps); a local
 * time that happens twice fires once (its first occurrence). Instants are explicit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CronExpressionParser } from "cron-parser";
import { nextSlots, slotsBetween } from "../../src/schedule/index.ts";

const iso = (xs: readonly number[]): string[] => xs.map((x) => new Date(x).toISOString());
const at = (s: string): number => Date.parse(s);
const paris = (cron: string) => ({ cron, timezone: "Europe/Paris" });
const newYork = (cron: string) => ({ cron, timezone: "America/New_York" });

test("Europe/Paris spring forward: 02:30 daily fires at 03:00 CEST on 2025-03-30, once", () => {
  assert.deepEqual(iso(nextSlots(paris("30 2 * * *"), at("2025-03-28T12:00:00Z"), 4)), [
    "2025-03-29T01:30:00.000Z", // 02:30 CET
    "2025-03-30T01:00:00.000Z", // 02:30 does not exist: 03:00 CEST, the next valid time
    "2025-03-31T00:30:00.000Z", // 02:30 CEST
    "2025-04-01T00:30:00.000Z",
  ]);
  // cron-parser alone shifts by the gap (03:30); floe fires at the jump instead
  const raw = CronExpressionParser.parse("30 2 * * *", { tz: "Europe/Paris", currentDate: at("2025-03-29T12:00:00Z") });
  assert.equal(raw.next().toISOString(), "2025-03-30T01:30:00.000Z");
});

test("Europe/Paris spring forward: every slot inside the gap collapses into one fire", () => {
  assert.deepEqual(iso(nextSlots(paris("*/20 * * * *"), at("2025-03-30T00:30:00Z"), 4)), [
    "2025-03-30T00:40:00.000Z", // 01:40 CET
    "2025-03-30T01:00:00.000Z", // 02:00, 02:20, 02:40 and the real 03:00 CEST: one fire
    "2025-03-30T01:20:00.000Z", // 03:20 CEST
    "2025-03-30T01:40:00.000Z",
  ]);
});

test("Europe/Paris fall back: 02:30 daily fires once on 2025-10-26, at the first 02:30 (CEST)", () => {
  assert.deepEqual(iso(nextSlots(paris("30 2 * * *"), at("2025-10-24T12:00:00Z"), 3)), [
    "2025-10-25T00:30:00.000Z",
    "2025-10-26T00:30:00.000Z", // 02:30 CEST; the second 02:30 (01:30Z, CET) does not fire
    "2025-10-27T01:30:00.000Z", // 02:30 CET
  ]);
  // from between the two 02:30s, and from inside the repeated hour: the next one is the next day
  assert.deepEqual(iso(nextSlots(paris("30 2 * * *"), at("2025-10-26T00:45:00Z"), 1)), ["2025-10-27T01:30:00.000Z"]);
  assert.deepEqual(iso(nextSlots(paris("30 2 * * *"), at("2025-10-26T01:15:00Z"), 1)), ["2025-10-27T01:30:00.000Z"]);
  // walking backwards agrees (cron-parser's prev() alone returns both 02:30s)
  const back = slotsBetween(paris("30 2 * * *"), at("2025-10-24T12:00:00Z"), at("2025-10-27T12:00:00Z"), 10, "latest");
  assert.deepEqual(iso(back), ["2025-10-25T00:30:00.000Z", "2025-10-26T00:30:00.000Z", "2025-10-27T01:30:00.000Z"]);
});

test("Europe/Paris fall back: an hourly schedule fires each local hour once (02:00 CET is skipped)", () => {
  assert.deepEqual(iso(nextSlots(paris("0 * * * *"), at("2025-10-25T23:30:00Z"), 3)), [
    "2025-10-26T00:00:00.000Z", // 02:00 CEST
    "2025-10-26T02:00:00.000Z", // 03:00 CET
    "2025-10-26T03:00:00.000Z",
  ]);
});

test("America/New_York: 02:30 on 2025-03-09 fires at 03:00 EDT; 01:30 on 2025-11-02 fires once", () => {
  assert.deepEqual(iso(nextSlots(newYork("30 2 * * *"), at("2025-03-08T12:00:00Z"), 3)), [
    "2025-03-09T07:00:00.000Z", // 03:00 EDT
    "2025-03-10T06:30:00.000Z",
    "2025-03-11T06:30:00.000Z",
  ]);
  assert.deepEqual(iso(nextSlots(newYork("30 1 * * *"), at("2025-11-01T12:00:00Z"), 2)), [
    "2025-11-02T05:30:00.000Z", // 01:30 EDT; 01:30 EST (06:30Z) does not fire
    "2025-11-03T06:30:00.000Z",
  ]);
  assert.deepEqual(
    iso(slotsBetween(newYork("30 2 * * *"), at("2025-03-07T12:00:00Z"), at("2025-03-10T12:00:00Z"), 5, "latest")),
    ["2025-03-08T07:30:00.000Z", "2025-03-09T07:00:00.000Z", "2025-03-10T06:30:00.000Z"],
  );
});
