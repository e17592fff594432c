/** @module Types of zstd.mjs: zstd decoding on @foxglove/wasm-zstd, with numcodecs.js as the fallback. */

/** Content size stated by the first frame's header, or undefined. */
export function zstdContentSize(bytes: Uint8Array): number | undefined;

type Decode = (bytes: Uint8Array, size?: number) => Uint8Array | undefined;

/**
 * Decoders returning exactly `size` (default: the frame's stated size) bytes, or undefined to fall back:
 * `decode` in a fresh array, `decodeView` as a view the next call overwrites.
 */
export function loadZstd(): Promise<{ decode: Decode; decodeView: Decode }>;
