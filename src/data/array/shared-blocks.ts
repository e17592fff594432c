/**
 * @module Regions of a node that several ops of one plan read: `u` in `(u - u.mean("lon")) * (v - v.mean("lon"))`
 * is read by the subtraction and by the mean, block by block over the same regions. The first request computes
 * the region; the others share it, so each chunk is read and decoded once per block instead of once per reader.
 */
import type { BlockPool } from "./block-pool.ts";
import type { PlanNode, Region } from "./plan.ts";

/**
 * Nodes of the plan under `root` that more than one edge reads, with the number of those edges. Edges out of a
 * node computed whole in a pass of its own (`apart`: a climatology under an anomaly) do not count.
 */
export function sharedNodes(root: PlanNode, apart: (node: PlanNode) => boolean): Map<PlanNode, number> {
  const edges = new Map<PlanNode, number>();
  const seen = new Set<PlanNode>();
  const visit = (n: PlanNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    const counted = n === root || !apart(n);
    for (const input of n.inputs) {
      if (counted) edges.set(input, (edges.get(input) ?? 0) + 1);
      visit(input);
    }
  };
  visit(root);
  for (const [n, count] of edges) if (count < 2) edges.delete(n);
  return edges;
}

interface Entry {
  readonly value: Promise<Float64Array>;
  left: number;
}

/**
 * A memo of recent regions of shared nodes. The last of a region's expected readers takes the block itself, the
 * earlier ones a copy (an evaluator may change its input in place). At most `limit` regions per node wait for
 * their readers; a region asked by only some of them is dropped when newer ones push it out.
 * @example
 * const share = regionSharer(plan, (n) => keptWhole(n), 4, blockPool());
 * const block = await share(node, region, () => evaluateRegion(node, region));
 */
export function regionSharer(
  root: PlanNode,
  apart: (node: PlanNode) => boolean,
  limit: number,
  blocks: BlockPool,
): (node: PlanNode, region: Region, compute: () => Promise<Float64Array>) => Promise<Float64Array> {
  const shared = sharedNodes(root, apart);
  const waiting = new Map<PlanNode, Map<string, Entry>>();
  return (node, region, compute) => {
    const readers = shared.get(node);
    if (!readers) return compute();
    let entries = waiting.get(node);
    if (!entries) waiting.set(node, (entries = new Map()));
    const key = `${region.start.join(",")}/${region.shape.join(",")}`;
    let entry = entries.get(key);
    if (!entry) {
      entry = { value: compute(), left: readers };
      entries.set(key, entry);
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
    }
    if (--entry.left > 0) {
      return entry.value.then((block) => {
        const copy = blocks.take(block.length);
        copy.set(block);
        return copy;
      });
    }
    entries.delete(key);
    return entry.value;
  };
}
