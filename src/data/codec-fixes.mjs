// @module Fixes for codec gaps in zarrita 0.7.5, as registry entries (types in codec-fixes.d.mts). Plain
// JavaScript so worker threads can load them without a TypeScript loader. blosc: v3's string `shuffle`
// mapped to numcodecs.js' number (it was silently dropped); gzip/zlib on `node:zlib` (encode too, and ~3x
// faster than fflate); zstd decoding on a faster build (zstd.mjs); vlen-utf8 that encodes, and decodes views
// into larger buffers correctly.
import { deflateSync, gunzipSync, gzipSync, inflateSync } from "node:zlib";
import { decodeBlosc } from "./blosc-lz4.mjs";
import { loadZstd } from "./zstd.mjs";

const SHUFFLE = { noshuffle: 0, shuffle: 1, bitshuffle: 2 };

export function bloscShuffle(value) {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const mapped = SHUFFLE[value];
    if (mapped === undefined) throw new TypeError(`unknown blosc shuffle "${value}"`);
    return mapped;
  }
  return undefined;
}

// The module's promise, taken once: zarrita calls a registry entry for every array it opens, and each dynamic
// `import()` is resolved again through the loader hooks (tsx's: a round trip to its thread, ~2 ms each, cold).
const once = (load) => {
  let loaded;
  return () => (loaded ??= load());
};
const bloscModule = once(() => import("numcodecs/blosc"));
const zstdModule = once(() => import("numcodecs/zstd"));

// Decoding tries the pure-JS lz4 path first (faster), then numcodecs.js' WebAssembly Blosc.
const blosc = async () => {
  const Blosc = (await bloscModule()).default;
  return {
    fromConfig(config) {
      const shuffle = bloscShuffle(config?.shuffle);
      const wasm = Blosc.fromConfig({ ...config, id: "blosc", ...(shuffle === undefined ? {} : { shuffle }) });
      return {
        kind: "bytes_to_bytes",
        encode: (bytes) => wasm.encode(bytes),
        decode: async (bytes) => decodeBlosc(bytes) ?? (await wasm.decode(bytes)),
      };
    },
  };
};

// zstd decodes on the faster build when the frame states its size; encoding stays on numcodecs.js (same bytes).
const zstd = async () => {
  const [Zstd, fast] = await Promise.all([zstdModule().then((m) => m.default), loadZstd()]);
  return {
    fromConfig(config) {
      const wasm = Zstd.fromConfig({ ...config, id: "zstd" });
      return { kind: "bytes_to_bytes", encode: (bytes) => wasm.encode(bytes), decode: async (bytes) => fast.decode(bytes) ?? (await wasm.decode(bytes)) };
    },
  };
};

// Plain, standalone Uint8Arrays: a Buffer's `slice` shares memory, and zarrita slices.
const own = (out) => new Uint8Array(out.buffer, out.byteOffset, out.byteLength).slice();

const bytesCodec = (encode, decode) => ({
  kind: "bytes_to_bytes",
  encode: async (bytes) => own(encode(bytes)),
  decode: async (bytes) => own(decode(bytes)),
});

const levelOf = (config) => (typeof config?.level === "number" ? config.level : 1);

const gzip = async () => ({
  fromConfig: (config) => bytesCodec((b) => gzipSync(b, { level: levelOf(config) }), (b) => gunzipSync(b)),
});

const zlib = async () => ({
  fromConfig: (config) => bytesCodec((b) => deflateSync(b, { level: levelOf(config) }), (b) => inflateSync(b)),
});

function cStrides(shape) {
  const strides = new Array(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i];
  }
  return strides;
}

// vlen-utf8: `u32 count`, then `u32 length + utf8 bytes` per item, little-endian.
export class VlenUtf8Codec {
  kind = "array_to_bytes";
  #shape;
  constructor(shape) {
    this.#shape = shape;
  }
  static fromConfig(_config, meta) {
    return new VlenUtf8Codec(meta.shape);
  }
  encode(chunk) {
    const encoder = new TextEncoder();
    const items = Array.from(chunk.data, (s) => encoder.encode(String(s ?? "")));
    const out = new Uint8Array(4 + items.reduce((n, b) => n + 4 + b.byteLength, 0));
    const view = new DataView(out.buffer);
    view.setUint32(0, items.length, true);
    let pos = 4;
    for (const item of items) {
      view.setUint32(pos, item.byteLength, true);
      out.set(item, pos + 4);
      pos += 4 + item.byteLength;
    }
    return out;
  }
  decode(bytes) {
    const decoder = new TextDecoder();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const data = new Array(view.getUint32(0, true));
    let pos = 4;
    for (let i = 0; i < data.length; i++) {
      const length = view.getUint32(pos, true);
      data[i] = decoder.decode(bytes.subarray(pos + 4, pos + 4 + length));
      pos += 4 + length;
    }
    return { data, shape: this.#shape, stride: cStrides(this.#shape) };
  }
}

const vlen = async () => VlenUtf8Codec;

export function registerCodecs(registry) {
  registry.set("blosc", blosc).set("numcodecs.blosc", blosc);
  registry.set("zstd", zstd).set("numcodecs.zstd", zstd);
  registry.set("gzip", gzip).set("numcodecs.gzip", gzip);
  registry.set("zlib", zlib).set("numcodecs.zlib", zlib);
  registry.set("vlen-utf8", vlen).set("numcodecs.vlen-utf8", vlen);
}
