/**
 * @module This thread's chunk decoders (direct.mjs), kept from one computation to the next. Each holds ~12 MB of
 * WebAssembly memory whose fresh pages fault in one by one (costly on this VM: a new decoder per computation cost
 * a small selection such as the ops bench's box mean more CPU than its decoding), so they are the one deliberate
 * per-thread cache of the data layer, bounded in number. `sharedDecoder` serves readers that decode and copy out
 * in one synchronous step (any number may share a decoder); `borrowDecoder` lends one to a single user across
 * awaits (a reduction whose tile lives in the decoder's memory) until it is released.
 */
import { decoderCache, decoderLoans } from "./direct.mjs";

/** A decoder for `docs`' layout, shared: use its output before the next await. */
export const sharedDecoder = decoderCache(4);

/**
 * A decoder for `docs`' layout that no one else uses until `release()`.
 * @example
 * const loan = await borrowDecoder(node.docs, tileSize);
 * try { reduce(loan.decoder); } finally { loan.release(); }
 */
export const borrowDecoder = decoderLoans(3);
