/** @module Types of direct.mjs: decoding simple float chunks without zarrita, into a reused buffer. */
import type { ChunkLayout, Reducer, Tile } from "./kernel.mjs";

export interface DirectDecoder {
  (bytes: Uint8Array): Float32Array | Float64Array | undefined;
  /** blosc only: a sum-like tile in the decoder's memory (SIMD fold), reused by the next call; else undefined. */
  newTile?: (op: Reducer, groups: number, layout: ChunkLayout) => Tile | undefined;
}

/** For little-endian C-order floats behind one blosc or zstd codec: a decoder (blosc reuses one output buffer). */
export function directDecoder(docs: Record<string, unknown>, tileSize?: number): Promise<DirectDecoder | undefined>;

/** Decoders reused by layout, the `limit` most recent (default 2); one user at a time per layout. */
export function decoderCache(limit?: number): (docs: Record<string, unknown>, tileSize?: number) => Promise<DirectDecoder | undefined>;

/** A decoder lent to one user until `release` (then kept for the next borrower of the layout). */
export interface DecoderLoan {
  readonly decoder: DirectDecoder | undefined;
  release(): void;
}

/** Decoders lent one user at a time and kept when given back, at most `keep` idle (default 2). */
export function decoderLoans(keep?: number): (docs: Record<string, unknown>, tileSize?: number) => Promise<DecoderLoan>;
