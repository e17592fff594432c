/**
 * @module One quick look from one snapshot (or the difference of two): open the array's group, plan the slice,
 * read it decimated, then draw a map (PNG) or a line (SVG). Knows stores, not repositories or refs.
 */
import { DatasetNotFoundError, openDataset, type DataStore, type Dataset, type Variable } from "../data/index.ts";
import { type ColormapName } from "./colormap.ts";
import { countingStore } from "./counting-store.ts";
import { CannotDrawError, NodeNotFoundError } from "./errors.ts";
import { isAscendingLatitude, labelsOf } from "./labels.ts";
import { linePlot, PLOT_HEIGHT, PLOT_WIDTH } from "./line-plot.ts";
import { encodeMap } from "./png.ts";
import { checkDrawable, readDecimated } from "./read-slice.ts";
import { planSlice, type SlicePlan } from "./slice.ts";
import type { QuickLook, QuickLookMeta } from "./types.ts";

export interface RenderInput {
  repo: string;
  array: string;
  index: Record<string, number>;
  at: { store: DataStore; snapshotId: string };
  base?: { store: DataStore; snapshotId: string } | undefined;
  /** Longest side of a map in pixels (and most points of a line). */
  maxSide: number;
}

async function openArray(store: DataStore, repo: string, path: string, snapshotId: string): Promise<{ dataset: Dataset; variable: Variable }> {
  const cut = path.lastIndexOf("/");
  const group = cut < 0 ? "" : path.slice(0, cut);
  const name = path.slice(cut + 1);
  let dataset: Dataset;
  try {
    dataset = await openDataset(store, { group });
  } catch (error) {
    if (error instanceof DatasetNotFoundError) throw new NodeNotFoundError(repo, path, snapshotId);
    throw error;
  }
  const variable = dataset.variables[name];
  if (!variable) throw new NodeNotFoundError(repo, path, snapshotId);
  return { dataset, variable };
}

function rangeOf(values: Float64Array): { min: number | null; max: number | null; missing: number } {
  let min = Infinity;
  let max = -Infinity;
  let missing = 0;
  for (const v of values) {
    if (Number.isNaN(v)) missing++;
    else if (v === Infinity || v === -Infinity) continue;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? { min, max, missing } : { min: null, max: null, missing };
}

function flipRows(values: Float64Array, width: number): void {
  const height = values.length / width;
  const tmp = new Float64Array(width);
  for (let y = 0; y < height >> 1; y++) {
    const a = y * width;
    const b = (height - 1 - y) * width;
    tmp.set(values.subarray(a, a + width));
    values.copyWithin(a, b, b + width);
    values.set(tmp, b);
  }
}

/**
 * @example
 * const look = await renderQuickLook({ repo, array: "xarray/ocean-temp/temp", index: { time: 3 }, at: { store, snapshotId }, maxSide: 2048 });
 */
export async function renderQuickLook(input: RenderInput): Promise<QuickLook> {
  const at = countingStore(input.at.store);
  const { dataset, variable } = await openArray(at, input.repo, input.array, input.at.snapshotId);
  checkDrawable(variable);
  const plan: SlicePlan = planSlice(variable.dims, variable.shape, input.index, input.maxSide);
  const values = await readDecimated(variable, plan);
  let baseBytes = 0;
  if (input.base) {
    const base = countingStore(input.base.store);
    const old = await openArray(base, input.repo, input.array, input.base.snapshotId);
    if (old.variable.shape.join() !== variable.shape.join()) {
      throw new CannotDrawError(`cannot draw the difference of "${input.array}": its shape changed (${old.variable.shape.join(" x ")} -> ${variable.shape.join(" x ")})`);
    }
    const before = await readDecimated(old.variable, plan);
    for (let i = 0; i < values.length; i++) values[i] = values[i]! - before[i]!;
    baseBytes = base.bytes.read;
  }
  const range = rangeOf(values);
  const drawnDims = plan.drawn.map((a) => variable.dims[a]!);
  const fixed = await Promise.all(
    variable.dims.map(async (dim, axis) => {
      if (plan.drawn.includes(axis)) return undefined;
      const i = plan.index[axis]!;
      return { dim, index: i, size: variable.shape[axis]!, label: (await labelsOf(dataset, dim, [i]))?.[0] ?? null };
    }),
  );
  const units = typeof variable.attrs.units === "string" ? variable.attrs.units : null;
  const longName = typeof variable.attrs.long_name === "string" ? variable.attrs.long_name : null;
  const colormap: ColormapName = input.base ? "RdBu" : "viridis";
  let bytes: Uint8Array;
  let width: number;
  let height: number;
  let kind: QuickLookMeta["kind"];
  if (plan.drawn.length === 2) {
    if (await isAscendingLatitude(dataset, drawnDims[0]!)) flipRows(values, plan.out[1]!);
    // A difference is drawn on a range symmetric around zero, so white means "unchanged".
    const m = Math.max(Math.abs(range.min ?? 0), Math.abs(range.max ?? 0));
    const scale = input.base ? { min: -m, max: m } : { min: range.min ?? 0, max: range.max ?? 0 };
    const image = encodeMap(values, plan.out[1]!, plan.out[0]!, { ...scale, colormap, units });
    ({ png: bytes, width, height } = image);
    kind = "map";
  } else {
    const positions = Array.from({ length: plan.out[0]! }, (_, k) => k * plan.stride);
    const labels = (await labelsOf(dataset, drawnDims[0]!, positions)) ?? positions.map(String);
    const title = `${longName ?? variable.name}${input.base ? " (change)" : ""}${units ? ` (${units})` : ""}`;
    bytes = new TextEncoder().encode(linePlot({ values, xLabels: labels, xTitle: drawnDims[0]!, yTitle: title, min: range.min, max: range.max }));
    [width, height] = [PLOT_WIDTH, PLOT_HEIGHT];
    kind = "line";
  }
  const meta: QuickLookMeta = {
    repo: input.repo, array: input.array, snapshotId: input.at.snapshotId, baseSnapshotId: input.base?.snapshotId ?? null,
    kind, contentType: kind === "map" ? "image/png" : "image/svg+xml", drawn: drawnDims,
    fixed: fixed.filter((f) => f !== undefined), min: range.min, max: range.max, units, longName,
    stride: plan.drawn.map(() => plan.stride), width, height, missing: range.missing,
    bytesRead: at.bytes.read + baseBytes, cached: false, colormap,
  };
  return { meta, bytes };
}
