// @module A faster zstd decoder: @foxglove/wasm-zstd decodes floe's demo chunks ~1.6x faster than
// numcodecs.js' build (and zstddec, @bokuweb/zstd-wasm, fzstd) here. It needs the decoded size up front, so it
// is used when the caller knows it or the frame states it; everything else, and encoding, stays on numcodecs.js.
// Types in zstd.d.mts.
import { createRequire } from "node:module";

const MAGIC = 0xfd2fb528;

/** Content size stated by the first frame's header, or undefined (no size, skippable frame, not zstd). */
export function zstdContentSize(bytes) {
  if (bytes.byteLength < 6) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return undefined;
  const fhd = bytes[4];
  const single = (fhd >> 5) & 1;
  const flag = fhd >> 6;
  const at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
  const width = flag === 0 ? single : [0, 2, 4, 8][flag];
  if (width === 0 || at + width > bytes.byteLength) return undefined;
  if (width === 1) return bytes[at];
  if (width === 2) return view.getUint16(at, true) + 256;
  if (width === 4) return view.getUint32(at, true);
  const size = Number(view.getBigUint64(at, true));
  return Number.isSafeInteger(size) ? size : undefined;
}

/**
 * Loads the decoder: `decode(bytes, size?)` returns exactly `size` (default: the frame's stated size) bytes in
 * a fresh array, `decodeView` the same as a view into the module's memory that the next call reuses (no
 * allocation per chunk: GC of ~2 MB buffers per chunk cost more than decoding); both return undefined when
 * they cannot, and callers fall back to numcodecs.js.
 */
export async function loadZstd() {
  let mod;
  try {
    mod = await createRequire(import.meta.url)("@foxglove/wasm-zstd/dist/wasm-zstd.js")();
  } catch {
    return { decode: () => undefined, decodeView: () => undefined };
  }
  // One input and one output region in the module's heap, grown as needed and kept.
  const regions = [{ at: 0, size: 0 }, { at: 0, size: 0 }];
  const region = (r, size) => {
    if (r.size < size) {
      if (r.at) mod._free(r.at);
      r.at = mod._malloc(size);
      r.size = r.at ? size : 0;
    }
    return r.at;
  };
  const decodeView = (bytes, size = zstdContentSize(bytes)) => {
    if (!size) return undefined;
    const src = region(regions[0], bytes.byteLength);
    const dst = region(regions[1], size);
    if (!src || !dst) return undefined;
    mod.HEAPU8.set(bytes, src);
    const n = mod._decompress(dst, size, src, bytes.byteLength);
    return n === size ? mod.HEAPU8.subarray(dst, dst + size) : undefined;
  };
  return { decode: (bytes, size) => decodeView(bytes, size)?.slice(), decodeView };
}
