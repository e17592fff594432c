/**
 * @module This thread's chunk decoders (direct.mjs), kept from one computation to the next. Each holds ~12 MB of
 * WebAssembly memory whose fresh pages fault in one by one (costly on this VM: a new decoder per computation cost
 * a small selection such as the ops bench's box mean more CPU than its decoding), so they are the one deliberate
 * per-thread cache of the data layer, bounded in number (with the one buffer local chunk files are read into). `sharedDecoder` serves readers that decode and copy out
 * in one synchronous step (any number may share a decoder); `borrowDecoder` lends one to a single user across
 * awaits (a reduction whose tile lives in the decoder's memory) until it is released.
 */
import type { AbsolutePath } from "zarrita";
import { fileReader } from "./chunk-file.mjs";
import { decoderCache, decoderLoans } from "./direct.mjs";
import { FileSystemStore, type StandaloneStore } from "./store.ts";

/** A decoder for `docs`' layout, shared: use its output before the next await. */
export const sharedDecoder = decoderCache(4);

/**
 * A decoder for `docs`' layout that no one else uses until `release()`.
 * @example
 * const loan = await borrowDecoder(node.docs, tileSize);
 * try { reduce(loan.decoder); } finally { loan.release(); }
 */
export const borrowDecoder = decoderLoans(3);

/** This thread's reader of local chunk files: bytes valid until its next call (decode them before any await). */
export const readChunkFile = fileReader();

/**
 * Hands a chunk's bytes to `use`, called synchronously after the read: a plain folder's file or a local
 * repository's located range is read into this thread's reused buffer (valid only inside `use`), anything else
 * through the store (fresh memory). `use` gets undefined when the chunk is missing or cannot be read (the
 * caller's zarrita path reports it with the chunk key).
 * @example
 * const data = await withChunkBytes(array.store, key, (bytes) => bytes && decoder(bytes));
 */
export async function withChunkBytes<T>(store: StandaloneStore, key: string, use: (bytes: Uint8Array | undefined) => T): Promise<T> {
  let bytes: Uint8Array | undefined;
  try {
    const inner = store.inner;
    const at = inner instanceof FileSystemStore ? { path: inner.filePath(key) } : inner.locate ? await inner.locate(key) : undefined;
    if (at && "path" in at) bytes = readChunkFile(at.path, "offset" in at ? at : undefined) ?? undefined;
    else bytes = at ? at.bytes : await store.get(`/${key}` as AbsolutePath);
  } catch {
    bytes = undefined;
  }
  return use(bytes);
}
