import assert from "node:assert/strict";
import { test } from "node:test";
import { gunzipSync, inflateSync } from "node:zlib";
import * as zarr from "zarrita";
import { bloscShuffle, VlenUtf8Codec } from "../../src/data/codecs.ts";
import { withStandaloneBuffers } from "../../src/data/index.ts";

/** A v3 array in memory with the given codecs, through zarrita's own pipeline (with floe's fixes registered). */
async function roundTrip(codecs: { name: string; configuration: Record<string, unknown> }[], dtype: "float32" | "string", data: Float32Array | string[]) {
  const store = new Map<string, Uint8Array>();
  const arr = await zarr.create(store, { shape: [data.length], chunkShape: [data.length], dtype, codecs, fillValue: dtype === "string" ? "" : 0 } as never);
  await zarr.set(arr as unknown as zarr.Array<zarr.DataType, Map<string, Uint8Array>>, null, { data, shape: [data.length], stride: [1] } as never);
  const back = await zarr.get(await zarr.open(store, { kind: "array" }));
  return { bytes: store.get("/c/0")!, back: back.data };
}

const floats = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i / 50) * 10);

test("blosc honours shuffle given as a string in v3 metadata", async () => {
  assert.equal(bloscShuffle("shuffle"), 1);
  assert.equal(bloscShuffle("bitshuffle"), 2);
  assert.equal(bloscShuffle("noshuffle"), 0);
  assert.equal(bloscShuffle(1), 1);
  assert.throws(() => bloscShuffle("zigzag"));
  const conf = (shuffle: string) => [
    { name: "bytes", configuration: { endian: "little" } },
    { name: "blosc", configuration: { cname: "lz4", clevel: 5, shuffle, typesize: 4, blocksize: 0 } },
  ];
  const shuffled = await roundTrip(conf("shuffle"), "float32", floats);
  const plain = await roundTrip(conf("noshuffle"), "float32", floats);
  // Blosc header byte 2 holds flags: bit 0 is byte shuffle.
  assert.equal(shuffled.bytes[2]! & 1, 1);
  assert.equal(plain.bytes[2]! & 1, 0);
  assert.deepEqual(shuffled.back, floats);
  assert.deepEqual(plain.back, floats);
});

test("gzip and zlib encode with node:zlib and decode what they encode", async () => {
  for (const name of ["gzip", "zlib"]) {
    const { bytes, back } = await roundTrip([{ name: "bytes", configuration: { endian: "little" } }, { name, configuration: { level: 5 } }], "float32", floats);
    const raw = name === "gzip" ? gunzipSync(bytes) : inflateSync(bytes);
    assert.deepEqual(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), floats);
    assert.deepEqual(back, floats);
  }
});

test("vlen-utf8 encodes, and decodes views into larger buffers", async () => {
  const strings = ["DJF", "JJA", "", "MAM", "été ❄"];
  const { bytes, back } = await roundTrip([{ name: "vlen-utf8", configuration: {} }, { name: "zstd", configuration: { level: 0, checksum: false } }], "string", strings);
  assert.ok(bytes.byteLength > 0);
  assert.deepEqual(back, strings);
  const encoded = new VlenUtf8Codec([5]).encode({ data: strings, shape: [5], stride: [1] });
  const padded = new Uint8Array(encoded.byteLength + 10);
  padded.set(encoded, 7);
  assert.deepEqual(new VlenUtf8Codec([5]).decode(padded.subarray(7, 7 + encoded.byteLength)).data, strings);
});

test("stores hand back standalone buffers, never views or null", async () => {
  const big = new Uint8Array(100).fill(9);
  const viewStore = { get: async () => big.subarray(10, 20), set: async () => {} };
  const store = withStandaloneBuffers(viewStore);
  const got = (await store.get("/a"))!;
  assert.equal(got.byteOffset, 0);
  assert.equal(got.buffer.byteLength, 10);
  assert.equal(await withStandaloneBuffers({ get: async () => null }).get("/x"), undefined);
  const range = await store.getRange("/a", { suffixLength: 3 });
  assert.deepEqual(Array.from(range!), [9, 9, 9]);
});

test("the pure-JS blosc decoder matches numcodecs' WebAssembly blosc, or declines", async () => {
  const { decodeBlosc } = await import("../../src/data/blosc-lz4.mjs");
  const Blosc = (await import("numcodecs/blosc")).default;
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { FIXTURES } = await import("./helpers.ts");
  // xarray's chunks (lz4, byte shuffle) take the fast path.
  const chunk = new Uint8Array(readFileSync(join(FIXTURES, "v2-standard.zarr/temp/0.0.0")));
  const wasm = await Blosc.fromConfig({ id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 }).decode(chunk);
  assert.deepEqual(decodeBlosc(chunk), new Uint8Array(wasm));
  let fast = 0;
  for (const n of [1, 3, 127, 128, 1000, 4097, 100003, 300001]) {
    const data = Uint8Array.from({ length: n * 4 }, (_, i) => (i * 7 + (i >> 9)) & (i % 5 ? 0xff : 0x0f));
    for (const shuffle of [0, 1, 2]) {
      for (const cname of ["lz4", "blosclz", "zstd"]) {
        const encoded = await Blosc.fromConfig({ id: "blosc", cname, clevel: 5, shuffle }).encode(data);
        const decoded = decodeBlosc(encoded);
        if (decoded) {
          fast++;
          assert.deepEqual(decoded, data, `${n} items, shuffle ${shuffle}, ${cname}`);
        }
      }
    }
  }
  assert.ok(fast >= 16, `fast path taken ${fast} times`);
  assert.equal(decodeBlosc(new Uint8Array([2, 1, 0x21, 4, 255, 255, 0, 0, 0, 1, 0, 0, 17, 0, 0, 0, 0])), undefined);
});
