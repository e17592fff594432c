import assert from "node:assert/strict";
import { test } from "node:test";
import { CALENDARS, InvalidDatasetError, decodeTime, formatCalendarDate, groupTime, parseCalendar } from "../../src/data/index.ts";
import { reference } from "./helpers.ts";

test("decodes every CF calendar exactly as cftime does", () => {
  assert.ok(reference.time.length >= 36);
  for (const c of reference.time) {
    const label = `${c.units} (${c.calendar})`;
    if (c.error) {
      assert.throws(() => decodeTime(c.values, { units: c.units, calendar: c.calendar }), InvalidDatasetError, label);
      continue;
    }
    const axis = decodeTime(c.values, { units: c.units, calendar: c.calendar });
    const got = axis.dates.map((d) => [d!.year, d!.month, d!.day, d!.hour, d!.minute, d!.second]);
    assert.deepEqual(got, c.dates, label);
  }
});

test("calendar aliases map to canonical names, case-insensitively", () => {
  assert.equal(parseCalendar("gregorian"), "standard");
  assert.equal(parseCalendar("365_day"), "noleap");
  assert.equal(parseCalendar("366_day"), "all_leap");
  assert.equal(parseCalendar("NOLEAP"), "noleap");
  assert.equal(parseCalendar("mayan"), undefined);
  assert.deepEqual([...CALENDARS], ["standard", "proleptic_gregorian", "noleap", "all_leap", "360_day", "julian"]);
});

test("non-standard calendars give calendar dates, never converted", () => {
  const d360 = decodeTime([58, 59, 60], { units: "days since 2001-01-01", calendar: "360_day" });
  assert.deepEqual(d360.dates.map((d) => formatCalendarDate(d!)), ["2001-02-29T00:00:00", "2001-02-30T00:00:00", "2001-03-01T00:00:00"]);
  const noleap = decodeTime([58, 59], { units: "days since 2004-01-01", calendar: "noleap" });
  assert.deepEqual(noleap.dates.map((d) => [d!.month, d!.day]), [[2, 28], [3, 1]]);
});

test("reference dates with times, zones and sub-day units", () => {
  const axis = decodeTime([0, 1.5, 36], { units: "hours since 2000-01-01T12:30:00Z", calendar: "standard" });
  assert.deepEqual(axis.dates.map((d) => formatCalendarDate(d!)), ["2000-01-01T12:30:00", "2000-01-01T14:00:00", "2000-01-03T00:30:00"]);
  const shifted = decodeTime([0], { units: "days since 2000-01-01 00:00 +02:00" });
  assert.equal(formatCalendarDate(shifted.dates[0]!), "1999-12-31T22:00:00");
  const missing = decodeTime([0, Number.NaN, -1], { units: "days since 2000-01-01", _FillValue: -1 });
  assert.deepEqual(Array.from(missing.months), [1, 0, 0]);
});

test("bad units and calendars name the variable and the attribute", () => {
  const ctx = { group: "ocean", variable: "time" };
  for (const units of ["days after 2000-01-01", "fortnights since 2000-01-01", "days since yesterday", 42, "days since 2001-02-29"]) {
    assert.throws(
      () => decodeTime([0], { units, calendar: "noleap" }, ctx),
      (e: unknown) => e instanceof InvalidDatasetError && e.context.attribute === "units" && /variable "time" attribute "units"/.test(e.message),
      String(units),
    );
  }
  assert.throws(
    () => decodeTime([0], { units: "days since 2000-01-01", calendar: "mayan" }, ctx),
    (e: unknown) => e instanceof InvalidDatasetError && e.context.attribute === "calendar" && /unknown calendar "mayan"/.test(e.message),
  );
});

test("grouping: seasons, months and years, sorted, only groups that occur", () => {
  const axis = decodeTime([0, 45, 100, 200, 340, 400], { units: "days since 2001-01-01", calendar: "noleap" });
  const seasons = groupTime(axis, "season");
  assert.deepEqual(seasons.labels, ["DJF", "JJA", "MAM"]);
  assert.deepEqual(Array.from(seasons.index), [0, 0, 2, 1, 0, 0]);
  assert.deepEqual(Array.from(seasons.sizes), [4, 1, 1]);
  assert.deepEqual(groupTime(axis, "month").labels, [1, 2, 4, 7, 12]);
  assert.deepEqual(groupTime(axis, "year").labels, [2001, 2002]);
});
