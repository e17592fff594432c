/** Time logic against xarray 2023.01: dt components, date-string selection, group keys and resample bins. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOperationError, formatCalendarDate, groupTime, parseGrouping } from "../../src/data/index.ts";
import { TIME_FIELDS, timeField } from "../../src/data/time/fields.ts";
import { parseFrequency } from "../../src/data/time/frequency.ts";
import { axisInstants, fromInstant } from "../../src/data/time/instant.ts";
import { resampleBins } from "../../src/data/time/resample-bins.ts";
import { isPandasAxis, selectTime } from "../../src/data/time/select.ts";
import { compare } from "./helpers.ts";
import { COLUMNS, type Expected, expected, loadInput } from "./time-helpers.ts";

const CALENDARS = ["standard", "noleap", "360_day", "hourly"] as const;

/** Plain per-bin reductions of the fixture columns: the obviously correct reference for the bins. */
function reduceBins(temp: Float64Array, shape: number[], index: Int32Array, bins: number, op: string): number[] {
  const [nt, nlat, nlon] = shape as [number, number, number];
  const out: number[] = [];
  for (let b = 0; b < bins; b++) {
    for (const [y, x] of COLUMNS) {
      const vals: number[] = [];
      let steps = 0;
      for (let t = 0; t < nt; t++) {
        if (index[t] !== b) continue;
        steps++;
        const v = temp[(t * nlat + y) * nlon + x]!;
        if (!Number.isNaN(v)) vals.push(v);
      }
      const n = vals.length;
      const sum = vals.reduce((a, c) => a + c, 0);
      const mean = sum / n;
      const value =
        steps === 0 ? Number.NaN
        : op === "count" ? n
        : op === "sum" ? sum
        : n === 0 ? Number.NaN
        : op === "mean" ? mean
        : op === "min" ? Math.min(...vals)
        : op === "max" ? Math.max(...vals)
        : Math.sqrt(vals.reduce((a, c) => a + (c - mean) ** 2, 0) / n);
      out.push(value);
    }
  }
  return out;
}

test("dt components match xarray's in every calendar", async () => {
  for (const name of CALENDARS) {
    const { axis } = await loadInput(name);
    for (const field of ["year", "month", "day", "hour", "dayofyear", "season"] as const) {
      const got = timeField(axis, field);
      assert.deepEqual(got.kind === "string" ? got.values : Array.from(got.values), expected[name].dt[field], `${name} ${field}`);
    }
    assert.deepEqual(axis.dates.map((d) => formatCalendarDate(d!)), expected[name].time, name);
  }
  assert.ok(TIME_FIELDS.includes("date"));
});

test("date strings select as xarray does: partial slices, exact labels, calendar-only days", async () => {
  for (const name of CALENDARS) {
    const { axis } = await loadInput(name);
    const instants = axisInstants(axis);
    const pandas = isPandasAxis(axis.calendar, instants, axis.years);
    for (const [key, want] of Object.entries(expected[name].sel)) {
      const [kind, a, b] = key.split("|") as [string, string, string | undefined];
      const label = kind === "slice" ? { start: a === "~" ? undefined : a, stop: b === "~" ? undefined : b } : a;
      const what = `${name} ${key}`;
      if (want.error) {
        assert.throws(() => selectTime(instants, axis.calendar, label, pandas), InvalidOperationError, what);
        continue;
      }
      const got = selectTime(instants, axis.calendar, label, pandas);
      const [start, stop] = got.kind === "index" ? [got.index, got.index + 1] : [got.start, got.stop];
      assert.equal(got.kind === "index", !want.dims!.includes("time"), `${what}: dimension kept or dropped`);
      assert.equal(stop - start, want.n, what);
      if (want.n! > 0) {
        assert.equal(formatCalendarDate(fromInstant(axis.calendar, instants[start]!)), want.first, what);
        assert.equal(formatCalendarDate(fromInstant(axis.calendar, instants[stop - 1]!)), want.last, what);
      }
    }
  }
});

test("a missing date names the nearest labels; an impossible one names the calendar", async () => {
  const { axis } = await loadInput("360_day");
  const instants = axisInstants(axis);
  assert.throws(() => selectTime(instants, "360_day", "1990-01", false), /nearest: 2000-01-01T00:00:00/);
  const standard = await loadInput("standard");
  const at = axisInstants(standard.axis);
  assert.throws(() => selectTime(at, "standard", "2001-02-30", true), /date "2001-02-30" does not exist in the standard calendar/);
  assert.throws(() => selectTime(at, "standard", "2000-02-15T07", true), /nearest: 2000-02-15T00:00:00, 2000-02-16T00:00:00/);
  assert.throws(() => selectTime(at, "standard", "15/02/2000", true), /expected an ISO 8601 date/);
});

test("group keys give xarray's labels; an unknown key lists the supported ones", async () => {
  for (const name of CALENDARS) {
    const { axis } = await loadInput(name);
    for (const [key, want] of Object.entries(expected[name].groupby)) {
      const grouping = key.split(".")[0]!;
      const groups = groupTime(axis, parseGrouping(`time.${grouping}`));
      assert.deepEqual(groups.labels, want.coords[grouping]!.values, `${name} ${key}`);
    }
  }
  assert.throws(() => parseGrouping("time.weekday"), (e: unknown) => e instanceof InvalidOperationError && /supported: "time.season", "time.month", "time.year", "time.dayofyear"/.test(e.message));
});

test("resample bins, labels and empty bins match xarray in every calendar", async () => {
  let checked = 0;
  for (const name of CALENDARS) {
    const { axis, temp, shape } = await loadInput(name);
    const all = axisInstants(axis);
    for (const [key, want] of Object.entries(expected[name].resample)) {
      if (want.error) continue;
      const parts = key.split(".");
      const gap = parts[0] === "gap";
      const [freq, op, closed] = (gap ? parts.slice(1) : parts) as [string, string, string | undefined];
      const keep = gap ? [...Array(all.length).keys()].filter((t) => t < 40 || t >= 110) : [...Array(all.length).keys()];
      const instants = Float64Array.from(keep, (t) => all[t]!);
      const nlatlon = shape[1]! * shape[2]!;
      const values = new Float64Array(keep.length * nlatlon);
      keep.forEach((t, i) => values.set(temp.subarray(t * nlatlon, (t + 1) * nlatlon), i * nlatlon));
      const side = closed === "left" || closed === "right" ? { closed, label: closed } as const : {};
      const bins = resampleBins(instants, axis.calendar, parseFrequency(freq), side);
      const labels = Array.from(bins.labels, (t) => formatCalendarDate(fromInstant(axis.calendar, t)));
      assert.equal(labels.length, want.shape[0], `${name} ${key} bins`);
      const rows = want.rows ?? [...Array(labels.length).keys()];
      assert.deepEqual(rows.map((r) => labels[r]), want.coords.time!.values, `${name} ${key} labels`);
      const got = reduceBins(values, [keep.length, shape[1]!, shape[2]!], bins.index, labels.length, op);
      const picked = rows.flatMap((r) => got.slice(r * COLUMNS.length, (r + 1) * COLUMNS.length));
      const { maxDiff, nanMismatches } = compare(picked, want.values as (number | null)[], true);
      assert.equal(nanMismatches, 0, `${name} ${key} NaN pattern`);
      assert.ok(maxDiff < 1e-5, `${name} ${key}: ${maxDiff}`);
      checked++;
    }
  }
  assert.ok(checked > 150, `${checked} cases`);
});

test("frequencies: aliases, anchors and an unknown one listing the supported ones", () => {
  assert.deepEqual(parseFrequency("QS-DEC"), { kind: "anchor", n: 1, period: 3, phase: 2, at: "start", text: "QS-DEC" });
  assert.deepEqual(parseFrequency("AS"), parseFrequency("YS") && { ...parseFrequency("YS"), text: "AS" });
  assert.equal(parseFrequency("1h").kind, "tick");
  for (const bad of ["W", "1X", "MS-DEC", "QS-FOO", "0D", ""]) {
    assert.throws(() => parseFrequency(bad), (e: unknown) => e instanceof InvalidOperationError && /supported: H \(or h\), D/.test(e.message), bad);
  }
});

export type { Expected };
