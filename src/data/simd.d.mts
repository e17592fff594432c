/** @module Types of simd.mjs: WebAssembly SIMD byte unshuffle and four-step fold. */

export interface Simd {
  /** The module's own memory: every pointer below is a byte offset into it (grow it as needed). */
  memory: WebAssembly.Memory;
  /** Unshuffles `groups` x 16 items of 4 bytes from planes at a..d into `out`. */
  unshuffle4(a: number, b: number, c: number, d: number, out: number, groups: number): void;
  /**
   * For `n` groups of 4 elements: adds float32 rows `src + k * stride` (k = 0..3), in order, to float64 `acc`,
   * NaNs skipped, and their number to float64 `count`.
   */
  add4(acc: number, count: number, src: number, stride: number, n: number): void;
  /** The same for one row. */
  add1(acc: number, count: number, src: number, n: number): void;
}

export function createSimd(): Simd | undefined;
