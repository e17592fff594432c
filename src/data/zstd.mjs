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
 * Loads the decoder: `(bytes, size?) => Uint8Array | undefined`, undefined when it cannot decode the input to
 * exactly `size` bytes (or the frame's stated size); callers fall back to numcodecs.js.
 */
export async function loadZstd() {
  let wasm;
  try {
    wasm = createRequire(import.meta.url)("@foxglove/wasm-zstd");
    await wasm.isLoaded;
  } catch {
    return () => undefined;
  }
  return (bytes, size = zstdContentSize(bytes)) => {
    if (!size) return undefined;
    try {
      const out = wasm.decompress(bytes, size);
      return out.byteLength === size ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : undefined;
    } catch {
      return undefined;
    }
  };
}
