// @module Byte unshuffle of 4-byte items with WebAssembly SIMD: four i8x16 shuffles turn 16 bytes of each of
// four planes into 16 items, ~5x faster than the best scalar JavaScript. The module is a few dozen bytes
// assembled here (no binary artifact, no toolchain). Types in simd-unshuffle.d.mts.

const SHUFFLE = [0xfd, 0x0d];
const LOAD = [0xfd, 0x00, 0x00, 0x00]; // v128.load align=1 offset=0
const store = (offset) => [0xfd, 0x0b, 0x00, offset]; // v128.store align=1 offset=<7-bit>
const get = (i) => [0x20, i];
const set = (i) => [0x21, i];
const bump = (i, by) => [...get(i), 0x41, by, 0x6a, ...set(i)]; // local += by (by < 64)

// Lanes: interleave bytes of two vectors (low or high halves), then pairs of bytes (low or high halves).
const BYTES_LO = [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23];
const BYTES_HI = BYTES_LO.map((x) => x + 8);
const PAIRS_LO = [0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23];
const PAIRS_HI = PAIRS_LO.map((x) => x + 8);

// unshuffle4(a, b, c, d, out, n): n groups of 16 items; planes at a..d, items written at out. Locals 6-9 hold
// the plane vectors, 10-13 the byte-interleaved halves (a|b low, a|b high, c|d low, c|d high).
function body() {
  const code = [0x02, 0x40, ...get(5), 0x45, 0x0d, 0x00, 0x03, 0x40];
  for (let p = 0; p < 4; p++) code.push(...get(p), ...LOAD, ...set(6 + p));
  for (const [x, y, into] of [[6, 7, 10], [8, 9, 12]]) {
    code.push(...get(x), ...get(y), ...SHUFFLE, ...BYTES_LO, ...set(into));
    code.push(...get(x), ...get(y), ...SHUFFLE, ...BYTES_HI, ...set(into + 1));
  }
  const outputs = [[10, 12, PAIRS_LO], [10, 12, PAIRS_HI], [11, 13, PAIRS_LO], [11, 13, PAIRS_HI]];
  outputs.forEach(([x, y, lanes], k) => code.push(...get(4), ...get(x), ...get(y), ...SHUFFLE, ...lanes, ...store(16 * k)));
  for (let p = 0; p < 4; p++) code.push(...bump(p, 16));
  code.push(...get(4), 0x41, 0xc0, 0x00, 0x6a, ...set(4)); // out += 64
  code.push(...get(5), 0x41, 0x01, 0x6b, 0x22, 5, 0x0d, 0x00, 0x0b, 0x0b, 0x0b); // while (--n)
  return [0x01, 0x08, 0x7b, ...code]; // 8 v128 locals
}

const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];
const name = (s) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

function moduleBytes() {
  const fn = body();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]),
    ...section(3, [0x01, 0x00]),
    ...section(5, [0x01, 0x00, 0x01]),
    ...section(7, [0x02, ...name("unshuffle4"), 0x00, 0x00, ...name("memory"), 0x02, 0x00]),
    ...section(10, [0x01, ...leb(fn.length), ...fn]),
  ]);
}

/** The SIMD unshuffler with its own memory, or undefined where WebAssembly SIMD is unavailable. */
export function createSimdUnshuffle() {
  try {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()));
    return { memory: exports.memory, unshuffle4: exports.unshuffle4 };
  } catch {
    return undefined;
  }
}
