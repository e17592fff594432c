/** @module Types of blosc-lz4.mjs: a pure-JS Blosc 1 decoder for lz4/uncompressed with byte shuffle. */

export interface BloscHeader {
  flags: number;
  typesize: number;
  nbytes: number;
  blocksize: number;
  cbytes: number;
}

/** The header, or undefined when this decoder does not handle the buffer. */
export function bloscHeader(src: Uint8Array): BloscHeader | undefined;

/**
 * Decoded bytes (written into `into` when given, at least the decoded size), or undefined when
 * the buffer uses something this decoder does not handle (fall back).
 */
export function decodeBlosc(
  src: Uint8Array,
  into?: Uint8Array,
  /** A scratch of at least the block size in the same WebAssembly memory as `into`, and its SIMD unshuffle. */
  simd?: { scratch: Uint8Array; unshuffle4(a: number, b: number, c: number, d: number, out: number, groups: number): void },
): Uint8Array | undefined;
