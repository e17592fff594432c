/** @module Types of direct.mjs: decoding simple float chunks without zarrita, into a reused buffer. */

/** For little-endian C-order floats behind one blosc or zstd codec: a decoder (blosc reuses one output buffer). */
export function directDecoder(docs: Record<string, unknown>): Promise<((bytes: Uint8Array) => Float32Array | Float64Array | undefined) | undefined>;
