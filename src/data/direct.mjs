// @module Decoding chunks without zarrita for the layout xarray writes most: little-endian floats in C order
// behind one blosc or zstd codec. Workers decode into one buffer they reuse instead of a fresh one per chunk (zarrita
// allocates and zero-fills ~8 MB per chunk). Anything else returns undefined and goes through zarrita.
// Types in direct.d.mts.
import { bloscHeader, decodeBlosc } from "./blosc-lz4.mjs";
import { createSimd } from "./simd.mjs";
import { loadZstd } from "./zstd.mjs";

const FLOATS = { "<f4": Float32Array, "<f8": Float64Array, float32: Float32Array, float64: Float64Array };

// The array's codec chain as [dtype, compressor config], if it is the simple layout; else undefined.
function simpleLayout(docs) {
  for (const [key, doc] of Object.entries(docs)) {
    if (key.endsWith("/.zarray") || key === ".zarray") {
      const simple = (doc.order ?? "C") === "C" && !(doc.filters?.length > 0) && doc.compressor;
      return simple ? [doc.dtype, doc.compressor.id, doc.chunks] : undefined;
    }
    if (key.endsWith("zarr.json") && doc.node_type === "array") {
      const [bytes, codec, ...rest] = doc.codecs ?? [];
      const simple = bytes?.name === "bytes" && (bytes.configuration?.endian ?? "little") === "little" && codec && rest.length === 0;
      return simple ? [doc.data_type, codec.name, doc.chunk_grid?.configuration?.chunk_shape] : undefined;
    }
  }
  return undefined;
}

const SCRATCH = 4 * 2 ** 20; // blosc blocks up to this size unshuffle with SIMD (c-blosc's are far smaller)
const SUM_LIKE = new Set(["mean", "sum", "count"]);

// False when the memory cannot hold that many bytes (32-bit WebAssembly: under 4 GiB).
function grow(memory, bytes) {
  try {
    memory.grow(Math.ceil(bytes / 65536));
    return true;
  } catch {
    return false;
  }
}

// One WebAssembly memory, laid out once (never grown, so views stay valid): [tile sums | tile counts | decoded
// chunk | block scratch]. SIMD reads planes from the scratch and folds the decoded chunk into the tile.
function wasmBuffers(Type, size, tileSize) {
  const simd = createSimd();
  const outBytes = (size * Type.BYTES_PER_ELEMENT + 15) & ~15;
  const at = 16 * tileSize; // two float64 arrays
  if (!simd || !grow(simd.memory, at + outBytes + SCRATCH)) {
    const out = new Type(size);
    return { out, bytes: new Uint8Array(out.buffer), workspace: () => undefined, newTile: () => undefined };
  }
  const buffer = simd.memory.buffer;
  const scratch = { scratch: new Uint8Array(buffer, at + outBytes, SCRATCH), unshuffle4: simd.unshuffle4 };
  const tile = { acc: new Float64Array(buffer, 0, tileSize), count: new Float64Array(buffer, 8 * tileSize, tileSize) };
  return {
    out: new Type(buffer, at, size),
    bytes: new Uint8Array(buffer, at, size * Type.BYTES_PER_ELEMENT),
    workspace: (blocksize) => (blocksize <= SCRATCH ? scratch : undefined),
    // The tile region is reused: the previous tile must be merged or copied out before the next one.
    newTile: (op, groups, layout) => {
      if (Type !== Float32Array || !SUM_LIKE.has(op) || layout.outer * groups * layout.inner !== tileSize) return undefined;
      tile.acc.fill(0);
      tile.count.fill(0);
      return { acc: tile.acc, count: tile.count, steps: new Float64Array(layout.outer * groups), add4: simd.add4, add1: simd.add1 };
    },
  };
}

/**
 * Decoders made once per thread and reused by layout (float type, codec, chunk size, tile size): each holds
 * ~12 MB of WebAssembly memory (blosc) or its own zstd module, whose fresh pages fault in one by one (costly on
 * VMs: ~6,000 faults per reduction of the bench array), so making one per reduction cost more than decoding.
 * Keeps the `limit` most recent. Decoders that share a layout share memory: use one at a time (a worker does).
 * @example
 * const decoders = decoderCache();
 * const direct = await decoders(init.docs, tileSize); // the same decoder for the next reduction of this layout
 */
export function decoderCache(limit = 2) {
  const made = new Map();
  return (docs, tileSize = 0) => {
    const [dtype, codec, chunks] = simpleLayout(docs) ?? [];
    if (!FLOATS[dtype] || !Array.isArray(chunks)) return Promise.resolve(undefined);
    const key = `${FLOATS[dtype].name} ${codec} ${chunks.join(",")} ${tileSize}`;
    let got = made.get(key);
    if (!got) {
      got = directDecoder(docs, tileSize);
      if (made.size >= limit) made.delete(made.keys().next().value);
      made.set(key, got);
    }
    return got;
  };
}

/**
 * A decoder `(bytes) => Float32Array | Float64Array | undefined` for the simple layout (blosc output reuses
 * one buffer, valid until the next call), or undefined when the array needs zarrita's pipeline. For blosc,
 * `newTile` gives a sum-like tile of `tileSize` elements in the same memory, folded with SIMD (one at a time).
 */
export async function directDecoder(docs, tileSize = 0) {
  const [dtype, codec, chunks] = simpleLayout(docs) ?? [];
  const Type = FLOATS[dtype];
  if (!Type || !Array.isArray(chunks)) return undefined;
  const size = chunks.reduce((a, b) => a * b, 1);
  if (codec === "zstd") {
    const zstd = await loadZstd();
    return (encoded) => {
      const bytes = zstd.decodeView(encoded, size * Type.BYTES_PER_ELEMENT);
      return bytes && new Type(bytes.buffer, bytes.byteOffset, size);
    };
  }
  if (codec !== "blosc") return undefined;
  const { out, bytes, workspace, newTile } = wasmBuffers(Type, size, tileSize);
  const decode = (encoded) => {
    const header = bloscHeader(encoded);
    if (!header) return undefined;
    return decodeBlosc(encoded, bytes, workspace(header.blocksize))?.byteLength === bytes.byteLength ? out : undefined;
  };
  return Object.assign(decode, { newTile });
}

/**
 * Decoders lent to one user at a time (a reduction whose tile lives in the decoder's memory across awaits) and
 * kept when given back, at most `keep` idle in all, the oldest dropped first.
 * @example
 * const borrow = decoderLoans();
 * const loan = await borrow(docs, tileSize);
 * try { loan.decoder?.(bytes); } finally { loan.release(); }
 */
export function decoderLoans(keep = 2) {
  const idle = [];
  return async (docs, tileSize = 0) => {
    const [dtype, codec, chunks] = simpleLayout(docs) ?? [];
    if (!FLOATS[dtype] || !Array.isArray(chunks)) return { decoder: undefined, release() {} };
    const key = `${FLOATS[dtype].name} ${codec} ${chunks.join(",")} ${tileSize}`;
    const at = idle.findIndex((d) => d.key === key);
    const decoder = at >= 0 ? idle.splice(at, 1)[0].decoder : await directDecoder(docs, tileSize);
    let given = false;
    return {
      decoder,
      release() {
        if (given || !decoder) return;
        given = true;
        idle.push({ key, decoder });
        if (idle.length > keep) idle.shift();
      },
    };
  };
}
