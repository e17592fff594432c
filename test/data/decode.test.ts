import assert from "node:assert/strict";
import { test } from "node:test";
import Blosc from "numcodecs/blosc";
import Zstd from "numcodecs/zstd";
import { decodeBlosc } from "../../src/data/blosc-lz4.mjs";
import { decoderCache, decoderLoans, directDecoder } from "../../src/data/direct.mjs";
import { accumulate, newTile, settle } from "../../src/data/kernel.mjs";
import type { Reducer } from "../../src/data/kernel.mjs";
import { createSimd } from "../../src/data/simd.mjs";
import { loadZstd, zstdContentSize } from "../../src/data/zstd.mjs";

/** Floats with NaN runs and repeated values, so lz4 finds matches of every kind. */
function floats(n: number, seed = 1): Float32Array {
  let x = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    if (i % 97 < 9) return Number.NaN;
    return i % 13 < 4 ? 1.5 : 10 + (x % 1000) / 100;
  });
}

const v2Docs = (chunks: number[], extra: Record<string, unknown> = {}) => ({
  "/t/.zarray": { zarr_format: 2, shape: chunks, chunks, dtype: "<f4", order: "C", filters: null, fill_value: "NaN", compressor: { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }, ...extra },
  "/t/.zattrs": {},
});

test("SIMD unshuffle matches byte by byte unshuffle", () => {
  const simd = createSimd();
  assert.ok(simd, "WebAssembly SIMD is available on Node 20");
  const n = 16 * 37;
  simd.memory.grow(1);
  const mem = new Uint8Array(simd.memory.buffer);
  for (let i = 0; i < 4 * n; i++) mem[i] = (i * 2654435761) >>> 24;
  simd.unshuffle4(0, n, 2 * n, 3 * n, 4 * n, n / 16);
  for (let i = 0; i < n; i++) for (let j = 0; j < 4; j++) assert.equal(mem[4 * n + 4 * i + j], mem[j * n + i]);
});

test("direct blosc decoding (SIMD, reused buffer) equals numcodecs' for every block layout", async () => {
  let fast = 0;
  for (const n of [1, 17, 1000, 4099, 65536, 300001]) {
    for (const blocksize of [0, 4096, 65536 + 12]) {
      const data = floats(n, n + blocksize);
      const bytes = new Uint8Array(data.buffer);
      for (const shuffle of [0, 1]) {
        const encoded = await Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle, blocksize }).encode(bytes);
        const decode = (await directDecoder(v2Docs([n])))!;
        const got = decode(encoded);
        if (!got) continue; // tiny chunks blosc stored raw with the shuffle flag: declined, zarrita decodes them
        fast++;
        assert.deepEqual(new Uint8Array(got.buffer, got.byteOffset, bytes.byteLength), bytes, `${n} items, blocksize ${blocksize}`);
        // Reused buffers must not leak a previous chunk into the next one.
        decode(await Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle, blocksize }).encode(new Uint8Array(floats(n, 99).buffer)));
        const again = decode(encoded)!;
        assert.deepEqual(new Uint8Array(again.buffer, again.byteOffset, bytes.byteLength), bytes);
        // A view at an odd offset takes the scalar paths.
        const padded = new Uint8Array(encoded.byteLength + 3);
        padded.set(encoded, 3);
        assert.deepEqual(decodeBlosc(padded.subarray(3)), bytes);
      }
    }
  }
  assert.ok(fast >= 24, `fast path taken ${fast} times`);
});

test("direct decoding declines what it does not handle", async () => {
  assert.equal(await directDecoder(v2Docs([4], { filters: [{ id: "delta" }] })), undefined);
  assert.equal(await directDecoder(v2Docs([4], { order: "F" })), undefined);
  assert.equal(await directDecoder(v2Docs([4], { dtype: ">f4" })), undefined);
  assert.equal(await directDecoder(v2Docs([4], { dtype: "<i4" })), undefined);
  const sharded = { "/t/zarr.json": { zarr_format: 3, node_type: "array", data_type: "float32", chunk_grid: { configuration: { chunk_shape: [4] } }, codecs: [{ name: "sharding_indexed", configuration: {} }] } };
  assert.equal(await directDecoder(sharded), undefined);
  const decode = (await directDecoder(v2Docs([4])))!;
  assert.equal(decode(new Uint8Array([1, 2, 3])), undefined);
});

test("zstd: the frame's stated size, the fast decoder, and its fallback", async () => {
  const data = floats(50000);
  const bytes = new Uint8Array(data.buffer);
  const encoded = await Zstd.fromConfig({ level: 3 }).encode(bytes);
  assert.equal(zstdContentSize(encoded), bytes.byteLength);
  const zstd = await loadZstd();
  assert.deepEqual(zstd.decode(encoded), bytes);
  assert.deepEqual(zstd.decodeView(encoded), bytes);
  assert.equal(zstd.decode(encoded, bytes.byteLength - 4), undefined, "a wrong size declines");
  assert.equal(zstd.decode(encoded.subarray(0, 100)), undefined, "truncated input declines");
  assert.deepEqual(zstd.decode(encoded, bytes.byteLength), bytes, "and it recovers");
  assert.equal(zstdContentSize(new Uint8Array([1, 2, 3, 4, 5, 6, 7])), undefined);
  const v3 = { "/t/zarr.json": { zarr_format: 3, node_type: "array", data_type: "float32", chunk_grid: { configuration: { chunk_shape: [50000] } }, codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "zstd", configuration: { level: 3 } }] } };
  assert.deepEqual((await directDecoder(v3))!(encoded), data);
});

test("decoders are reused by layout (v2 or v3 spelling alike), the two most recent kept", async () => {
  const decoders = decoderCache();
  const v3 = (chunks: number[]) => ({ "/t/zarr.json": { zarr_format: 3, node_type: "array", data_type: "float32", chunk_grid: { configuration: { chunk_shape: chunks } }, codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "blosc", configuration: { cname: "lz4", clevel: 5, shuffle: "shuffle" } }] } });
  const first = await decoders(v2Docs([64]), 16);
  assert.ok(first);
  assert.equal(await decoders(v3([64]), 16), first, "the same layout in v3 metadata shares the decoder");
  assert.notEqual(await decoders(v2Docs([64]), 32), first, "another tile size does not");
  assert.equal(await decoders(v2Docs([64], { dtype: ">f4" })), undefined, "declined like directDecoder");
  assert.notEqual(await decoders(v2Docs([128])), undefined);
  assert.notEqual(await decoders(v2Docs([64]), 16), first, "evicted by the two since");
  const data = floats(64);
  const encoded = await Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }).encode(new Uint8Array(data.buffer));
  const reused = (await decoders(v2Docs([64]), 16))!;
  assert.deepEqual(reused(encoded), data);
  assert.deepEqual(reused(encoded), data, "decodes again into the same memory");
});

/** Naive reference: every element, every step, in order. */
function reference(op: Reducer, data: Float32Array, outer: number, time: number, inner: number, groupOf: Int32Array, groups: number, fill: number) {
  const acc = new Float64Array(outer * groups * inner).fill(op === "min" ? Infinity : op === "max" ? -Infinity : 0);
  const count = new Float64Array(acc.length);
  for (let o = 0; o < outer; o++)
    for (let t = 0; t < time; t++) {
      const g = groupOf[t]!;
      if (g < 0) continue;
      for (let i = 0; i < inner; i++) {
        const v = data[(o * time + t) * inner + i]!;
        if (Number.isNaN(v) || v === fill) continue;
        const k = (o * groups + g) * inner + i;
        count[k]!++;
        acc[k] = op === "min" ? Math.min(acc[k]!, v) : op === "max" ? Math.max(acc[k]!, v) : acc[k]! + v;
      }
    }
  return { acc, count };
}

test("the kernel folds runs of steps exactly like a step-by-step loop", () => {
  const [outer, time, inner, groups] = [3, 23, 37, 4];
  const data = floats(outer * time * inner, 7);
  const patterns = [
    Int32Array.from({ length: time }, (_, t) => Math.floor(t / 6) % groups),
    Int32Array.from({ length: time }, (_, t) => (t % 5 === 0 ? -1 : Math.floor(t / 9) % groups)),
    Int32Array.from({ length: time }, (_, t) => t % groups),
  ];
  for (const op of ["mean", "sum", "count", "min", "max"] as const) {
    for (const groupOf of patterns) {
      for (const missing of [[], [Number.NaN], [1.5], [1.5, Number.NaN]]) {
        const layout = { outer, time, inner };
        const tile = newTile(op, groups, layout);
        accumulate(op, tile, groups, data, layout, groupOf, time, missing);
        settle(tile, groups, layout);
        const fill = missing.find((m) => !Number.isNaN(m)) ?? Number.NaN;
        const want = reference(op, data, outer, time, inner, groupOf, groups, fill);
        assert.deepEqual(tile.count, want.count, `${op} counts, missing ${missing}`);
        assert.deepEqual(tile.acc, want.acc, `${op} values, missing ${missing}`);
      }
    }
  }
});

test("workers read local chunk files themselves: a missing file is a missing chunk, as on the main thread", async () => {
  const { rmSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { copyFixture, tempDir } = await import("./helpers.ts");
  const { createReducerPool, groupReduce, openDataset } = await import("../../src/data/index.ts");
  const dir = tempDir();
  await using pool = createReducerPool(2);
  try {
    const store = copyFixture("v2-standard.zarr", join(dir.path, "holes.zarr"));
    rmSync(join(store, "temp", "3.0.0"));
    const here = await groupReduce(await openDataset(store), { by: "season", workers: 0 });
    const there = await groupReduce(await openDataset(store), { by: "season", workers: 2, pool });
    assert.deepEqual(there.variables.temp!.values, here.variables.temp!.values);
  } finally {
    dir.remove();
  }
});

test("the SIMD fold in the decoder's memory equals the JavaScript kernel, bit for bit", async () => {
  for (const [time, inner] of [[30, 64], [23, 37], [8, 4]] as const) {
    const data = floats(time * inner, inner);
    const bytes = new Uint8Array(data.buffer);
    const encoded = await Blosc.fromConfig({ cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }).encode(bytes);
    const layout = { outer: 1, time, inner };
    const groupOf = Int32Array.from({ length: time }, (_, t) => (t % 7 === 6 ? -1 : Math.floor(t / 5) % 4));
    const decode = (await directDecoder(v2Docs([time, inner]), 4 * inner))!;
    const tile = decode.newTile!("mean", 4, layout)!;
    assert.ok(tile.add4);
    const got = decode(encoded) ?? data;
    accumulate("mean", tile, 4, got, layout, groupOf, time, [Number.NaN]);
    settle(tile, 4, layout);
    const plain = newTile("mean", 4, layout);
    accumulate("mean", plain, 4, data, layout, groupOf, time, [Number.NaN]);
    settle(plain, 4, layout);
    assert.deepEqual(Array.from(tile.acc), Array.from(plain.acc), `${time} x ${inner}`);
    assert.deepEqual(Array.from(tile.count), Array.from(plain.count));
    assert.equal(decode.newTile!("min", 4, layout), undefined, "min/max keep JavaScript tiles");
  }
});

test("a lent decoder has one user until released, then serves the next borrower of its layout", async () => {
  const borrow = decoderLoans(1);
  const a = await borrow(v2Docs([64]), 16);
  const b = await borrow(v2Docs([64]), 16);
  assert.ok(a.decoder && b.decoder);
  assert.notEqual(a.decoder, b.decoder, "two users at once get two decoders");
  a.release();
  a.release(); // a second release changes nothing
  const c = await borrow(v2Docs([64]), 16);
  assert.equal(c.decoder, a.decoder, "given back, it is lent again");
  b.release();
  c.release();
  const d = await borrow(v2Docs([64]), 16);
  assert.equal(d.decoder, c.decoder, "one kept idle: the most recent");
  assert.equal((await borrow(v2Docs([64], { dtype: ">f4" }))).decoder, undefined, "declined like directDecoder");
});
