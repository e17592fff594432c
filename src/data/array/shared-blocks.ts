/**
 * @module Regions of a node that several ops of one plan read: `u` in `(u - u.mean("lon")) * (v - v.mean("lon"))`
 * is read by the subtraction and by the mean, block by block over the same regions. The first request computes
 * the region; the others share it, so each chunk is read and decoded once per block instead of once per reader.
 */
import type { BlockPool } from "./block-pool.ts";
import type { PlanNode, Region } from "./plan.ts";

/** Ops that only read their input blocks and never hand one on as their own result. */
const READ_ONLY: ReadonlySet<string> = new Set(["map", "reduce", "layout", "isel", "take-rows", "weighted", "group-reduce", "rolling"]);

interface SharedNode {
  /** How many edges read it. */
  readers: number;
  /** Whether every one of those readers only reads (`READ_ONLY`): then they may all be handed the same block. */
  readOnly: boolean;
}

/**
 * Nodes of the plan under `root` that more than one edge reads. Edges out of a node computed whole in a pass of its
 * own (`apart`: a climatology under an anomaly) do not count.
 */
export function sharedNodes(root: PlanNode, apart: (node: PlanNode) => boolean): Map<PlanNode, SharedNode> {
  const read = new Map<PlanNode, SharedNode>();
  const seen = new Set<PlanNode>();
  const visit = (n: PlanNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    const counted = n === root || !apart(n);
    for (const input of n.inputs) {
      if (counted) {
        const s = read.get(input) ?? { readers: 0, readOnly: true };
        read.set(input, { readers: s.readers + 1, readOnly: s.readOnly && READ_ONLY.has(n.op) });
      }
      visit(input);
    }
  };
  visit(root);
  for (const [n, s] of read) if (s.readers < 2) read.delete(n);
  return read;
}

interface Entry {
  readonly value: Promise<Float64Array>;
  left: number;
}

/**
 * A memo of recent regions of shared nodes. The last of a region's expected readers takes the block itself, the
 * earlier ones a copy (an evaluator may change its input in place), unless every reader only reads
 * (`SharedNode.readOnly`): then all take the block itself, given back to the pool by the last. At most `limit` regions per node wait for
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
    const share = shared.get(node);
    if (!share) return compute();
    const { readers, readOnly } = share;
    let entries = waiting.get(node);
    if (!entries) waiting.set(node, (entries = new Map()));
    const key = `${region.start.join(",")}/${region.shape.join(",")}`;
    let entry = entries.get(key);
    if (!entry) {
      const value = compute();
      entry = { value: readOnly ? value.then((block) => (blocks.hold(block, readers - 1), block)) : value, left: readers };
      entries.set(key, entry);
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
    }
    if (--entry.left > 0) {
      // Readers that only read share the block itself: the pool counts their gives and reuses it after the last.
      if (readOnly) return entry.value;
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
