/** @module Types of simd-unshuffle.mjs: 4-byte byte-unshuffle with WebAssembly SIMD. */

export interface SimdUnshuffle {
  /** The module's own memory: planes and output must live in it (grow it as needed). */
  memory: WebAssembly.Memory;
  /** Unshuffles `groups` x 16 items from planes at byte offsets a..d into `out`. */
  unshuffle4(a: number, b: number, c: number, d: number, out: number, groups: number): void;
}

export function createSimdUnshuffle(): SimdUnshuffle | undefined;
