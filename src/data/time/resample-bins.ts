/**
 * @module Resample bins as xarray 2023.01 makes them (`resample_cftime.py`, matching pandas): ticks on a grid
 * through an origin (default midnight of the first day; resample-origin.ts), calendar anchors rolled back from the first date and one
 * period past the last; month, quarter and year ends and multi-day ticks closed on the right reach to the end
 * of their last day. Bins with no time step stay, as xarray keeps them (their values are NaN).
 */
import { type Calendar } from "../calendar.ts";
import { InvalidOperationError } from "../errors.ts";
import { type Frequency, anchorDay, anchorFloor, defaultSide } from "./frequency.ts";
import { DAY_SECONDS, floorDay, fromInstant, searchSorted } from "./instant.ts";
import { type OriginOptions, checkOrigin, endOrigin, tickRange } from "./resample-origin.ts";

export interface ResampleOptions extends OriginOptions {
  closed?: "left" | "right" | undefined;
  label?: "left" | "right" | undefined;
}

export interface ResampleBins {
  /** Label (an instant) of each bin. */
  labels: Float64Array;
  /** Per time step, its bin. */
  index: Int32Array;
  /** Time steps per bin (0 for empty bins). */
  sizes: Int32Array;
}

/**
 * Bins an ascending time axis (instants, no missing times) at a frequency.
 * @example
 * const bins = resampleBins(instants, "noleap", parseFrequency("MS")); // one bin per month, labelled the 1st
 */
export function resampleBins(instants: Float64Array, calendar: Calendar, freq: Frequency, options: ResampleOptions = {}): ResampleBins {
  checkOrigin(options.origin, calendar);
  const side = endOrigin(options.origin) ? "right" : defaultSide(freq);
  const closed = options.closed ?? side;
  const label = options.label ?? side;
  for (let i = 0; i < instants.length; i++) {
    if (Number.isNaN(instants[i]!) || (i > 0 && instants[i]! < instants[i - 1]!)) {
      throw new InvalidOperationError("resample needs an ascending time coordinate without missing times", { variable: "time" });
    }
  }
  if (instants.length === 0) return { labels: new Float64Array(0), index: new Int32Array(0), sizes: new Int32Array(0) };
  let edges = freq.kind === "tick" ? tickEdges(instants, freq, closed, calendar, options) : anchorEdges(instants, calendar, freq, closed);
  let labels = edges;
  let open = closed;
  const superDaily = (freq.kind === "tick" && freq.day && freq.n > 1) || (freq.kind === "anchor" && freq.at === "end");
  if (superDaily) {
    // xarray moves right-closed edges to the last microsecond of their day: on a microsecond grid, (e + 1 day - 1 us,
    // next] is [e + 1 day, next + 1 day), which float64 instants (~1e11 s) represent exactly.
    if (closed === "right") {
      edges = edges.map((e) => e + DAY_SECONDS);
      open = "left";
    }
    if (edges.length > 2 && edges[edges.length - 2]! > instants[instants.length - 1]!) {
      edges = edges.slice(0, -1);
      labels = labels.slice(0, -1);
    }
  }
  labels = label === "right" ? labels.slice(1) : labels.slice(0, -1);
  const bins = labels.length;
  const index = new Int32Array(instants.length);
  const sizes = new Int32Array(bins);
  for (let i = 0; i < instants.length; i++) {
    const b = Math.min(bins - 1, searchSorted(edges, instants[i]!, open === "left" ? "right" : "left") - 1);
    index[i] = b;
    sizes[b]!++;
  }
  return { labels, index, sizes };
}

/** `_adjust_dates_anchored` (origin and offset), then every tick from first to last. */
function tickEdges(instants: Float64Array, freq: Extract<Frequency, { kind: "tick" }>, closed: "left" | "right", calendar: Calendar, options: ResampleOptions): Float64Array {
  const f = freq.seconds;
  const [start, end] = tickRange(instants[0]!, instants[instants.length - 1]!, f, closed, calendar, options);
  const count = Math.round((end - start) / f) + 1;
  return Float64Array.from({ length: count }, (_, k) => start + k * f);
}

/** Anchors from the rolled-back first date (or one period before it, closed right) to one period past the last. */
function anchorEdges(instants: Float64Array, calendar: Calendar, freq: Extract<Frequency, { kind: "anchor" }>, closed: "left" | "right"): Float64Array {
  const floorOf = (instant: number): [k: number, on: boolean] => {
    const date = fromInstant(calendar, floorDay(instant));
    const day = Math.floor(instant / DAY_SECONDS);
    const k = anchorFloor(calendar, freq, day, date.year, date.month);
    return [k, anchorDay(calendar, freq, k) === day];
  };
  const [k0, on0] = floorOf(instants[0]!);
  const firstK = closed === "left" ? k0 : on0 ? k0 - freq.n : k0 + 1 - freq.n;
  const lastK = floorOf(instants[instants.length - 1]!)[0] + freq.n;
  const edges: number[] = [];
  for (let k = firstK; k <= lastK; k += freq.n) edges.push(anchorDay(calendar, freq, k) * DAY_SECONDS);
  return Float64Array.from(edges);
}
