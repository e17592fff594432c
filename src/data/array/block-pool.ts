/**
 * @module Float64 blocks reused within one evaluation. A block an op has consumed (its input, once its output is
 * computed; the root's block, once copied into the result) goes back here and becomes the next block of that
 * length, so streaming a long axis allocates a few blocks instead of several fresh ~10 MB arrays per chunk
 * (each zero-filled, page-faulted and later collected).
 */

export interface BlockPool {
  /** A block of `n` values, reused or new: its contents are stale, the caller writes every element. */
  take(n: number): Float64Array;
  /** Gives back a block no one will read again (an evaluator's input after use, or the root's copied block). */
  give(block: Float64Array): void;
}

/** Blocks smaller than this are left to the allocator (small blocks cost little; keeping them costs lookups). */
const SMALL = 1 << 14;

/** A block may take a buffer up to this much larger than it (a rolling block's halo rows, an edge block). */
const SLACK = 1.5;

/**
 * A pool keeping at most `limit` idle buffers, the oldest dropped first. A block of `n` values takes the smallest
 * idle buffer that holds `n` (within `SLACK`), as a view of its first `n` values: blocks of a few sizes (a
 * window's halo rows, edge blocks) reuse each other's memory instead of allocating.
 * @example
 * const pool = blockPool();
 * const out = pool.take(n); // ... fill every element ...; later pool.give(input)
 */
export function blockPool(limit = 16): BlockPool {
  const idle: ArrayBuffer[] = [];
  // Views this pool made over its buffers: only those, or blocks that own their whole buffer, come back in.
  const views = new WeakSet<Float64Array>();
  return {
    take: (n) => {
      if (n < SMALL) return new Float64Array(n);
      let best = -1;
      for (let i = 0; i < idle.length; i++) {
        const size = idle[i]!.byteLength / 8;
        if (size >= n && size <= n * SLACK && (best < 0 || size < idle[best]!.byteLength / 8)) best = i;
      }
      if (best < 0) return new Float64Array(n);
      const block = new Float64Array(idle.splice(best, 1)[0]!, 0, n);
      views.add(block);
      return block;
    },
    give: (block) => {
      if (block.length < SMALL) return;
      const whole = block.byteOffset === 0 && block.byteLength === block.buffer.byteLength;
      if ((!whole && !views.has(block)) || !(block.buffer instanceof ArrayBuffer) || idle.includes(block.buffer)) return;
      idle.push(block.buffer);
      if (idle.length > limit) idle.shift();
    },
  };
}
