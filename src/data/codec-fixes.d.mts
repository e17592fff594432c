/** @module Types of codec-fixes.mjs: zarrita 0.7.5 codec gap fixes as registry entries. */
import type { Chunk } from "zarrita";

/** Maps v3's `"shuffle"`/`"bitshuffle"`/`"noshuffle"` to numcodecs' 1/2/0; numbers pass through. */
export function bloscShuffle(value: unknown): number | undefined;

/** vlen-utf8 with an encoder, decoding views into larger buffers correctly. */
export class VlenUtf8Codec {
  readonly kind: "array_to_bytes";
  constructor(shape: number[]);
  static fromConfig(config: unknown, meta: { shape: number[] }): VlenUtf8Codec;
  encode(chunk: Chunk<"string">): Uint8Array;
  decode(bytes: Uint8Array): Chunk<"string">;
}

/** Registers the fixed codecs (v3 names and `numcodecs.*` v2 names) into a zarrita registry. */
export function registerCodecs(registry: Map<string, () => Promise<unknown>>): void;
