/**
 * @module Float64 blocks reused within one evaluation and from one evaluation to the next on the same thread. A
 * block an op has consumed (its input, once its output is computed; the root's block, once copied into the
 * result) goes back here and becomes the next block of that length, so streaming a long axis allocates a few
 * blocks instead of several fresh ~10 MB arrays per chunk (each zero-filled, page-faulted and later collected).
 * Idle buffers outlive their evaluation (`threadBlocks`, this thread's store, bounded and dropped after a few idle
 * seconds): on this VM a fresh page costs a trap to the host on first touch, and a computation's blocks were
 * most of the fresh memory of the next one (eddy fluxes: ~90 MB per run).
 */

export interface BlockPool {
  /** A block of `n` values, reused or new: its contents are stale, the caller writes every element. */
  take(n: number): Float64Array;
  /** Gives back a block no one will read again (an evaluator's input after use, or the root's copied block). */
  give(block: Float64Array): void;
  /** The block has `extra` more readers: that many of its gives are only counted (shared-blocks.ts). */
  hold(block: Float64Array, extra: number): void;
}

/** Where idle buffers wait: one evaluation's own, or a thread's shared by its evaluations (`threadBlocks`). */
export interface BlockStore {
  readonly idle: ArrayBuffer[];
  /** Views made over its buffers: only those, or blocks that own their whole buffer, come back in. */
  readonly views: WeakSet<Float64Array>;
  /** Called after each give (a thread's store arms its idle timer here). */
  readonly touched?: (() => void) | undefined;
  /** Idle bytes kept at most (the oldest buffers are dropped first). */
  readonly maxBytes: number;
}

/** Blocks smaller than this are left to the allocator (small blocks cost little; keeping them costs lookups). */
const SMALL = 1 << 14;

/** A block may take a buffer up to this much larger than it (a rolling block's halo rows, an edge block). */
const SLACK = 1.5;

/** Idle bytes a thread keeps between evaluations: a few blocks of every size an evaluation uses. */
const THREAD_BYTES = 256 * 2 ** 20;

/** A thread's idle buffers are dropped after this long without a block taken or given back. */
const THREAD_IDLE_MS = 5_000;

/**
 * A store kept between evaluations, its buffers dropped (left to the collector) once none was used for `idleMs`.
 * @example
 * const pool = blockPool(16, keptStore());
 */
export function keptStore(maxBytes = THREAD_BYTES, idleMs = THREAD_IDLE_MS): BlockStore {
  const idle: ArrayBuffer[] = [];
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const sweep = (): void => {
    timer = undefined;
    const wait = last + idleMs - Date.now();
    if (wait > 0) arm(wait);
    else idle.length = 0;
  };
  // An unref'd timer: idle buffers never keep a process alive.
  const arm = (ms: number): void => {
    timer = setTimeout(sweep, ms);
    timer.unref?.();
  };
  return {
    idle,
    views: new WeakSet(),
    maxBytes,
    touched: () => {
      last = Date.now();
      if (!timer && idle.length > 0) arm(idleMs);
    },
  };
}

/** This thread's store: evaluations on this thread (one module instance per thread) reuse each other's blocks. */
export const threadBlocks: BlockStore = keptStore();

/**
 * A pool keeping at most `limit` idle buffers, the oldest dropped first. A block of `n` values takes the smallest
 * idle buffer that holds `n` (within `SLACK`), as a view of its first `n` values: blocks of a few sizes (a
 * window's halo rows, edge blocks) reuse each other's memory instead of allocating. Without a `store` the pool's
 * buffers are its own.
 * @example
 * const pool = blockPool();
 * const out = pool.take(n); // ... fill every element ...; later pool.give(input)
 */
export function blockPool(limit = 16, store: BlockStore = { idle: [], views: new WeakSet(), maxBytes: Infinity }): BlockPool {
  const { idle, views } = store;
  // Readers still to give back a block handed to several at once, by buffer.
  const holds = new WeakMap<ArrayBufferLike, number>();
  return {
    take: (n) => {
      if (n < SMALL) return new Float64Array(n);
      let best = -1;
      for (let i = 0; i < idle.length; i++) {
        const size = idle[i]!.byteLength / 8;
        if (size >= n && size <= n * SLACK && (best < 0 || size < idle[best]!.byteLength / 8)) best = i;
      }
      store.touched?.();
      if (best < 0) return new Float64Array(n);
      const block = new Float64Array(idle.splice(best, 1)[0]!, 0, n);
      views.add(block);
      return block;
    },
    hold: (block, extra) => {
      if (extra > 0) holds.set(block.buffer, (holds.get(block.buffer) ?? 0) + extra);
    },
    give: (block) => {
      if (block.length < SMALL) return;
      const held = holds.get(block.buffer);
      if (held) {
        holds.set(block.buffer, held - 1);
        return;
      }
      const whole = block.byteOffset === 0 && block.byteLength === block.buffer.byteLength;
      if ((!whole && !views.has(block)) || !(block.buffer instanceof ArrayBuffer) || idle.includes(block.buffer)) return;
      idle.push(block.buffer);
      let bytes = idle.reduce((sum, b) => sum + b.byteLength, 0);
      while (idle.length > limit || (bytes > store.maxBytes && idle.length > 0)) bytes -= idle.shift()!.byteLength;
      store.touched?.();
    },
  };
}
