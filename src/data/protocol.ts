/**
 * @module Messages between the main thread and reduction workers (reduce-worker.mjs). Workers decode chunk
 * bytes fetched by the main thread (so any store works) and post partial tiles back.
 */
import type { CFPlan } from "./cf-codec.mjs";
import type { ChunkLayout, Reducer } from "./kernel.mjs";

/** First message: what to decode and how to reduce. */
export interface InitMessage {
  type: "init";
  format: 2 | 3;
  path: string;
  /** Raw metadata documents by store key, so the worker can open the array from memory. */
  docs: Record<string, unknown>;
  op: Reducer;
  groups: number;
  layout: ChunkLayout;
  /** Group of every step of the whole time axis (-1 skips it). */
  index: Int32Array;
  missing: number[];
  /** CF decoding each chunk needs before folding (packed data), from `variable.encoding.cf`. */
  cf?: CFPlan | undefined;
}

export interface ChunkMessage {
  type: "chunk";
  coords: number[];
  key: string;
  /** Tile id (the chunk's coordinates without time); a new id flushes the previous tile. */
  tile: string;
  tStart: number;
  steps: number;
  /** Encoded chunk bytes (transferred), or null for a missing chunk (fill value) or one in `file`. */
  bytes: Uint8Array | null;
  /** A local file the worker reads itself, into a buffer it reuses (a missing file is a missing chunk). */
  file?: string | undefined;
  /** Only these bytes of `file` (a chunk inside a larger object); default the whole file. */
  range?: { offset: number; length: number } | undefined;
}

/** A chunk a worker reads from the local disk itself: what a ChunkMessage says, without bytes. */
export type LocalChunk = Omit<ChunkMessage, "type" | "bytes"> & { file: string };

/**
 * Every chunk of the reduction, each on the local disk: workers take the next index from `next` (shared by
 * all of them) until none is left, then flush, without a message per chunk.
 */
export interface ClaimMessage {
  type: "claim";
  items: LocalChunk[];
  /** One Int32 over a SharedArrayBuffer: the next item to take. */
  next: Int32Array;
}

export type ToWorker = InitMessage | ChunkMessage | ClaimMessage | { type: "flush" };

export type FromWorker =
  | { type: "ready" }
  | { type: "tile"; tile: string; acc: Float64Array; count: Float64Array }
  | { type: "done" }
  | { type: "flushed" }
  | { type: "error"; key: string; message: string };
