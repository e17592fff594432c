/** @module Types of blosc-lz4.mjs: a pure-JS Blosc 1 decoder for lz4/uncompressed with byte shuffle. */

/** Decoded bytes, or undefined when the buffer uses something this decoder does not handle (fall back). */
export function decodeBlosc(src: Uint8Array): Uint8Array | undefined;
