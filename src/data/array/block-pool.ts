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

/**
 * A pool keeping at most `limit` idle blocks, the oldest dropped first.
 * @example
 * const pool = blockPool();
 * const out = pool.take(n); // ... fill every element ...; later pool.give(input)
 */
export function blockPool(limit = 6): BlockPool {
  const idle: Float64Array[] = [];
  return {
    take: (n) => {
      if (n < SMALL) return new Float64Array(n);
      const at = idle.findIndex((b) => b.length === n);
      return at >= 0 ? idle.splice(at, 1)[0]! : new Float64Array(n);
    },
    give: (block) => {
      if (block.length < SMALL || idle.includes(block)) return;
      idle.push(block);
      if (idle.length > limit) idle.shift();
    },
  };
}
