// @module Decoding chunks without zarrita for the layout xarray writes most: little-endian floats in C order
// behind one blosc or zstd codec. Workers decode into one buffer they reuse instead of a fresh one per chunk (zarrita
// allocates and zero-fills ~8 MB per chunk). Anything else returns undefined and goes through zarrita.
// Types in direct.d.mts.
import { bloscHeader, decodeBlosc } from "./blosc-lz4.mjs";
import { createSimdUnshuffle } from "./simd-unshuffle.mjs";
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

// Output and block scratch live in one WebAssembly memory (grown on demand) so SIMD can unshuffle in place.
function wasmBuffers(Type, size) {
  const simd = createSimdUnshuffle();
  if (!simd) {
    const out = new Type(size);
    return () => ({ out, bytes: new Uint8Array(out.buffer), workspace: undefined });
  }
  const outBytes = (size * Type.BYTES_PER_ELEMENT + 15) & ~15;
  let views;
  return (blocksize) => {
    const need = outBytes + blocksize + 16;
    if (!views || views.scratch.byteLength < blocksize || views.bytes.buffer !== simd.memory.buffer) {
      const have = simd.memory.buffer.byteLength;
      if (need > have) simd.memory.grow(Math.ceil((need - have) / 65536));
      const buffer = simd.memory.buffer;
      views = { out: new Type(buffer, 0, size), bytes: new Uint8Array(buffer, 0, size * Type.BYTES_PER_ELEMENT), scratch: new Uint8Array(buffer, outBytes, buffer.byteLength - outBytes) };
    }
    return { out: views.out, bytes: views.bytes, workspace: { scratch: views.scratch, unshuffle4: simd.unshuffle4 } };
  };
}

/**
 * A decoder `(bytes) => Float32Array | Float64Array | undefined` for the simple layout (blosc output reuses
 * one buffer, valid until the next call), or undefined when the array needs zarrita's pipeline.
 */
export async function directDecoder(docs) {
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
  const buffers = wasmBuffers(Type, size);
  return (encoded) => {
    const header = bloscHeader(encoded);
    if (!header) return undefined;
    const { out, bytes, workspace } = buffers(header.blocksize);
    return decodeBlosc(encoded, bytes, workspace)?.byteLength === bytes.byteLength ? out : undefined;
  };
}
