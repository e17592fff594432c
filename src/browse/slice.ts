/**
 * @module Which part of an array a quick look draws: the last two dimensions (the last one for a 1-D array),
 * every other dimension at a chosen index, and one stride for both drawn dimensions so that the image keeps the
 * array's aspect and its longest side stays within `maxSide` pixels.
 */
import { InvalidSliceError } from "./errors.ts";

export interface SlicePlan {
  /** Axis numbers drawn: [y, x] for maps, [x] for lines. */
  drawn: number[];
  /** Index of every axis (drawn axes: 0, unused). */
  index: number[];
  /** Elements between drawn samples along each drawn axis. */
  stride: number;
  /** Samples drawn along each drawn axis. */
  out: number[];
}

/**
 * Parses `time=3,depth=0` into a record; a bad entry names itself.
 * @example
 * parseIndexSpec("time=3,depth=0"); // { time: 3, depth: 0 }
 */
export function parseIndexSpec(spec: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (spec === undefined || spec.trim() === "") return out;
  for (const part of spec.split(",")) {
    const m = /^\s*([A-Za-z_][\w.\-]*)\s*=\s*(\d{1,12})\s*$/.exec(part);
    if (!m) throw new InvalidSliceError(`index "${part}": expected <dimension>=<non-negative integer>, e.g. time=3`);
    if (m[1]! in out) throw new InvalidSliceError(`index: dimension "${m[1]}" given twice`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export function planSlice(dims: readonly string[], shape: readonly number[], index: Readonly<Record<string, number>>, maxSide: number): SlicePlan {
  const rank = shape.length;
  const drawn = rank >= 2 ? [rank - 2, rank - 1] : [rank - 1];
  for (const [dim, i] of Object.entries(index)) {
    const axis = dims.indexOf(dim);
    if (axis < 0) throw new InvalidSliceError(`index: no dimension "${dim}" (dimensions: ${dims.join(", ")})`);
    if (drawn.includes(axis)) throw new InvalidSliceError(`index: "${dim}" is drawn, it takes no index (give only ${dims.filter((_, a) => !drawn.includes(a)).join(", ") || "nothing"})`);
    if (i >= shape[axis]!) throw new InvalidSliceError(`index: ${dim}=${i} is out of range (0..${shape[axis]! - 1})`);
  }
  const sizes = drawn.map((a) => shape[a]!);
  const stride = Math.max(1, ...sizes.map((n) => Math.ceil(n / maxSide)));
  return {
    drawn,
    index: dims.map((d) => index[d] ?? 0),
    stride,
    out: sizes.map((n) => Math.ceil(n / stride)),
  };
}
