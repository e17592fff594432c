// @module WebAssembly SIMD for the two hot loops, each ~5x faster than the best scalar JavaScript here: byte
// unshuffle of 4-byte items (four i8x16 shuffles turn 16 bytes of each of four planes into 16 items) and the
// kernel's four-step fold of float32 rows into float64 sums and missing counts. The module is a few hundred
// bytes assembled here (no binary artifact, no toolchain). Types in simd.d.mts.

const simd = (op) => [0xfd, ...leb(op)];
const SHUFFLE = [0xfd, 0x0d];
const LOAD = [0xfd, 0x00, 0x00, 0x00]; // v128.load align=1 offset=0
const store = (offset) => [0xfd, 0x0b, 0x00, offset]; // v128.store align=1 offset=<7-bit>
const get = (i) => [0x20, i];
const set = (i) => [0x21, i];
const tee = (i) => [0x22, i];
const load = (offset) => [0xfd, 0x00, 0x00, offset]; // v128.load align=1 offset=<7-bit>
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

// add4(acc, count, src, stride, n): for n groups of 4 elements, rows src + k * stride (k < 4) of float32 are
// added in order to float64 acc, NaNs as +0 (exact: a sum starting at +0 never becomes -0), and the number of
// NaNs to count. Locals: 5-8 the rows, 9 the sum of the NaN masks (-valid per lane), 10 a mask, 11 four 4.0s.
const HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const F64X2_ADD = simd(0xf0);
const PROMOTE_LOW = simd(0x5f);

function add4Body() {
  const code = [0x44, ...new Uint8Array(new Float64Array([4]).buffer), ...simd(0x14), ...set(11)];
  code.push(0x02, 0x40, ...get(4), 0x45, 0x0d, 0x00, 0x03, 0x40);
  code.push(...get(2), ...LOAD, ...set(5));
  code.push(...get(2), ...get(3), 0x6a, ...LOAD, ...set(6));
  code.push(...get(2), ...get(3), 0x41, 1, 0x74, 0x6a, ...LOAD, ...set(7)); // src + (stride << 1)
  code.push(...get(2), ...get(3), 0x41, 3, 0x6c, 0x6a, ...LOAD, ...set(8)); // src + stride * 3
  code.push(...get(5), ...get(5), ...simd(0x41), ...tee(9), ...get(5), ...simd(0x4e), ...set(5)); // f32x4.eq, v128.and
  for (const v of [6, 7, 8]) {
    code.push(...get(v), ...get(v), ...simd(0x41), ...tee(10), ...get(9), ...simd(0xae), ...set(9)); // i32x4.add
    code.push(...get(v), ...get(10), ...simd(0x4e), ...set(v));
  }
  for (const [high, offset] of [[false, 0], [true, 16]]) {
    code.push(...get(0), ...get(0), ...load(offset));
    for (const v of [5, 6, 7, 8]) code.push(...get(v), ...(high ? [...get(v), ...SHUFFLE, ...HIGH] : []), ...PROMOTE_LOW, ...F64X2_ADD);
    code.push(...store(offset));
    code.push(...get(1), ...get(1), ...load(offset), ...get(11), ...get(9), ...(high ? [...get(9), ...SHUFFLE, ...HIGH] : []));
    code.push(...simd(0xfe), ...F64X2_ADD, ...F64X2_ADD, ...store(offset)); // f64x2.convert_low_i32x4_s
  }
  code.push(...get(0), 0x41, 32, 0x6a, ...set(0), ...get(1), 0x41, 32, 0x6a, ...set(1), ...bump(2, 16));
  code.push(...get(4), 0x41, 0x01, 0x6b, ...tee(4), 0x0d, 0x00, 0x0b, 0x0b, 0x0b); // while (--n)
  return [0x01, 0x07, 0x7b, ...code]; // 7 v128 locals
}

// add1(acc, count, src, n): the same for one row (runs of fewer than four steps). Locals: 4 the row, 5 its mask,
// 6 two 1.0s.
function add1Body() {
  const code = [0x44, ...new Uint8Array(new Float64Array([1]).buffer), ...simd(0x14), ...set(6)];
  code.push(0x02, 0x40, ...get(3), 0x45, 0x0d, 0x00, 0x03, 0x40);
  code.push(...get(2), ...LOAD, ...tee(4), ...get(4), ...simd(0x41), ...tee(5), ...get(4), ...simd(0x4e), ...set(4));
  for (const [high, offset] of [[false, 0], [true, 16]]) {
    code.push(...get(0), ...get(0), ...load(offset), ...get(4), ...(high ? [...get(4), ...SHUFFLE, ...HIGH] : []), ...PROMOTE_LOW, ...F64X2_ADD, ...store(offset));
    code.push(...get(1), ...get(1), ...load(offset), ...get(6), ...get(5), ...(high ? [...get(5), ...SHUFFLE, ...HIGH] : []));
    code.push(...simd(0xfe), ...F64X2_ADD, ...F64X2_ADD, ...store(offset)); // count + (1 + (-1 | 0))
  }
  code.push(...get(0), 0x41, 32, 0x6a, ...set(0), ...get(1), 0x41, 32, 0x6a, ...set(1), ...bump(2, 16));
  code.push(...get(3), 0x41, 0x01, 0x6b, ...tee(3), 0x0d, 0x00, 0x0b, 0x0b, 0x0b); // while (--n)
  return [0x01, 0x03, 0x7b, ...code]; // 3 v128 locals
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
  const bodies = [body(), add4Body(), add1Body()].map((fn) => [...leb(fn.length), ...fn]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x03, 0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]),
    ...section(3, [0x03, 0x00, 0x01, 0x02]),
    ...section(5, [0x01, 0x00, 0x01]),
    ...section(7, [0x04, ...name("unshuffle4"), 0x00, 0x00, ...name("add4"), 0x00, 0x01, ...name("add1"), 0x00, 0x02, ...name("memory"), 0x02, 0x00]),
    ...section(10, [0x03, ...bodies.flat()]),
  ]);
}

/** The SIMD functions with their own memory, or undefined where WebAssembly SIMD is unavailable. */
export function createSimd() {
  try {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()));
    return { memory: exports.memory, unshuffle4: exports.unshuffle4, add4: exports.add4, add1: exports.add1 };
  } catch {
    return undefined;
  }
}
