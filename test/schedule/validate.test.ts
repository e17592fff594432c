/** Diagnostics for bad cron expressions and time zones name the input and what is wrong. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ScheduleError,
  isScheduleError,
  nextSlots,
  validateCron,
  validateTimeZone,
  validateTiming,
} from "../../src/schedule/index.ts";

test("good expressions pass", () => {
  const good = ["* * * * *", "*/5 * * * * *", "0 2 * * MON-FRI", "0 0 L * *", "0 0 * * 1#1", "@daily", " 0 2 * * * "];
  for (const cron of good) {
    assert.equal(validateCron(cron), undefined, cron);
  }
  assert.deepEqual(validateTiming({ cron: "0 2 * * *", timezone: "Europe/Paris" }), []);
});

test("bad expressions: the diagnostic names the expression and the problem", () => {
  const cases: [string, RegExp][] = [
    ["61 * * * *", /^cron "61 \* \* \* \*": .*61.*0-59/],
    ["* * *", /^cron "\* \* \*": has 3 fields; expected 5 .* or 6/],
    ["* * * * * * *", /has 7 fields/],
    ["", /^cron "": is empty/],
    ["@fortnightly", /^cron "@fortnightly": unknown shorthand; expected one of @yearly/],
    ["0 0 30 2 *", /^cron "0 0 30 2 \*": /],
    ["H * * * *", /"H" \(hashed values\)/],
    ["0 2 * * funday", /^cron "0 2 \* \* funday": .*alias "fun"/i],
  ];
  for (const [cron, pattern] of cases) {
    const d = validateCron(cron);
    assert.ok(d, `expected a diagnostic for ${JSON.stringify(cron)}`);
    assert.equal(d.code, "schedule.cron");
    assert.equal(d.path, "cron");
    assert.match(d.message, pattern);
  }
  // day-of-week aliases containing an H are not mistaken for hashes
  assert.equal(validateCron("0 2 * * THU"), undefined);
});

test("bad time zone: a diagnostic naming it", () => {
  const d = validateTimeZone("Mars/Olympus_Mons");
  assert.equal(d?.code, "schedule.timezone");
  assert.match(d?.message ?? "", /"Mars\/Olympus_Mons" is not an IANA time zone/);
});

test("slot functions throw a tagged ScheduleError for an unusable timing", () => {
  assert.throws(
    () => nextSlots({ cron: "0 25 * * *", timezone: "Nowhere/City" }, 0, 1),
    (error: unknown) => {
      assert.ok(isScheduleError(error));
      assert.ok(error instanceof ScheduleError);
      assert.equal(error._tag, "ScheduleError");
      assert.deepEqual(error.diagnostics.map((d) => d.code), ["schedule.cron", "schedule.timezone"]);
      assert.match(error.message, /cron "0 25 \* \* \*".*; time zone "Nowhere\/City"/);
      return true;
    },
  );
});
