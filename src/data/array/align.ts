/**
 * @module Alignment and broadcasting by dimension name, as xarray does before arithmetic: shared dimensions
 * with coordinates are joined (`inner` by default for arithmetic, `outer` for merge/concat, `exact` refuses),
 * dimensions without coordinates must have equal sizes, and every array is broadcast to the union of dims.
 */
import { AlignmentError } from "../errors.ts";
import { type Coordinate, type Coords, type Label, indexCoord, labelsOf, sameLabels } from "./coords.ts";
import type { Picked } from "./indexing.ts";
import { type PlanNode, node } from "./plan.ts";

export type Join = "inner" | "outer" | "left" | "exact";

/** What alignment needs of an array: its plan and coordinates. */
export interface Aligned {
  readonly plan: PlanNode;
  readonly coords: Coords;
}

const describeDims = (a: Aligned): string => `(${a.plan.dims.map((d, i) => `${d}: ${a.plan.shape[i]}`).join(", ")})`;

/** The 1-D coordinate indexing `dim` (xarray's index), if any. */
export const indexOf = (a: Aligned, dim: string): Coordinate | undefined => {
  const c = a.coords[dim];
  return c && c.dims.length === 1 && c.dims[0] === dim ? c : undefined;
};

function joinLabels(all: Label[][], join: Join): Label[] {
  if (join === "left") return all[0]!;
  if (join === "inner") return all[0]!.filter((l) => all.every((ls) => ls.includes(l)));
  const union = [...new Set(all.flat())];
  const sortable = union.every((l) => typeof l === typeof union[0]);
  return sortable ? union.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : union;
}

/** Positions of `wanted` labels in `labels` (-1 where missing). */
const positionsOf = (labels: readonly Label[], wanted: readonly Label[]): Int32Array => {
  const at = new Map(labels.map((l, i) => [l, i] as const));
  return Int32Array.from(wanted, (l) => at.get(l) ?? -1);
};

/** Applies per-dimension indexers to an array's plan and coordinates. */
export function reindex(a: Aligned, picks: Readonly<Record<string, Picked>>): Aligned {
  const dims = a.plan.dims;
  if (!dims.some((d) => d in picks)) return a;
  const params = dims.map((d) => picks[d]?.ix ?? { kind: "range" as const, start: 0, step: 1 });
  const shape = dims.map((d, i) => (picks[d] ? picks[d].size : a.plan.shape[i]!));
  const kept = dims.map((d) => picks[d]?.ix.kind !== "at");
  const plan = node("isel", [a.plan], params, {
    dims: dims.filter((_, i) => kept[i]),
    shape: shape.filter((_, i) => kept[i]),
    dtype: a.plan.dtype,
    chunks: a.plan.chunks.filter((_, i) => kept[i]),
  });
  const coords = Object.fromEntries(Object.entries(a.coords).map(([n, c]) => [n, indexCoord(c, picks)]));
  return { plan, coords };
}

/**
 * Aligns arrays on their shared dimensions (`join`), or throws naming both dimension lists and sizes.
 * @example
 * const [x, y] = align([a, b], "inner");
 */
export function align<T extends Aligned>(arrays: readonly T[], join: Join): Aligned[] {
  const dims = [...new Set(arrays.flatMap((a) => a.plan.dims))];
  const picks: Record<string, Picked>[] = arrays.map(() => ({}));
  const joinedCoords: Record<string, Coordinate> = {};
  for (const dim of dims) {
    const having = arrays.map((a, i) => ({ a, i, at: a.plan.dims.indexOf(dim) })).filter((x) => x.at >= 0);
    const indexed = having.filter((x) => indexOf(x.a, dim));
    const sizes = having.map((x) => x.a.plan.shape[x.at]!);
    const labels = indexed.map((x) => labelsOf(indexOf(x.a, dim)!));
    const sameIndex = labels.every((l) => sameLabels(l, labels[0]!));
    if (sameIndex && sizes.every((s) => s === sizes[0])) continue;
    const mismatch = (why: string) => {
      const [p, q] = [having[0]!.a, having.find((x) => x.a.plan.shape[x.at] !== sizes[0] || !sameIndex)?.a ?? having[1]!.a];
      return new AlignmentError(`cannot align dimension "${dim}": ${why}: ${describeDims(p)} and ${describeDims(q)}`, { attribute: dim });
    };
    if (indexed.length < having.length) throw mismatch("sizes differ and not every array has a coordinate to align on");
    if (join === "exact") throw mismatch('coordinates differ (join "exact")');
    const joined = joinLabels(labels, join);
    joinedCoords[dim] = coordFromLabels(indexOf(indexed[0]!.a, dim)!, joined);
    for (const [k, x] of indexed.entries()) {
      if (sameLabels(labels[k]!, joined)) continue;
      picks[x.i]![dim] = { ix: { kind: "take", index: positionsOf(labels[k]!, joined) }, size: joined.length };
    }
  }
  return arrays.map((a, i) => {
    const r = reindex(a, picks[i]!);
    // An outer join leaves -1 positions in reindexed coordinates; the joined labels replace them.
    const coords = { ...r.coords };
    for (const dim of a.plan.dims) if (joinedCoords[dim]) coords[dim] = joinedCoords[dim];
    return { plan: r.plan, coords };
  });
}

/** A 1-D coordinate like `first` holding `labels`. */
function coordFromLabels(first: Coordinate, labels: readonly Label[]): Coordinate {
  const values = Array.isArray(first.values)
    ? labels.map(String)
    : first.values instanceof BigInt64Array
      ? BigInt64Array.from(labels as number[], BigInt)
      : Float64Array.from(labels as number[]);
  return { ...first, shape: [labels.length], values: values as Coordinate["values"] };
}

/** Broadcasts a plan to `dims` (a superset of its own, any order) with `shape`: one `layout` node. */
export function broadcastTo(plan: PlanNode, dims: readonly string[], shape: readonly number[]): PlanNode {
  if (plan.dims.length === dims.length && plan.dims.every((d, i) => d === dims[i])) return plan;
  const axes = plan.dims.map((d) => dims.indexOf(d));
  const chunks = dims.map((d, i) => {
    const at = plan.dims.indexOf(d);
    return at >= 0 ? plan.chunks[at]! : shape[i]!;
  });
  return node("layout", [plan], { axes }, { dims, shape, dtype: plan.dtype, chunks });
}

/** Union of dims in order of appearance, with sizes. */
export function unionDims(arrays: readonly Aligned[]): { dims: string[]; shape: number[] } {
  const dims: string[] = [];
  const shape: number[] = [];
  for (const a of arrays) {
    a.plan.dims.forEach((d, i) => {
      if (!dims.includes(d)) {
        dims.push(d);
        shape.push(a.plan.shape[i]!);
      }
    });
  }
  return { dims, shape };
}

/** Coordinates of combined arrays: the first array's win, others add what they have. */
export function mergeCoords(arrays: readonly Aligned[]): Coords {
  const out: Record<string, Coordinate> = {};
  for (const a of arrays) for (const [n, c] of Object.entries(a.coords)) out[n] ??= c;
  return out;
}
