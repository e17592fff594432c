// @module A pure-JavaScript decoder for the common Blosc 1 case, lz4 (or uncompressed) with or without byte
// shuffle: about 5x faster than the numcodecs.js WebAssembly build here, and it can write into a buffer the
// caller reuses. Anything else (bitshuffle, other compressors, odd layouts) returns undefined: callers fall
// back. Types in blosc-lz4.d.mts. Hot loops see only plain Uint8Array/Uint32Array (a Buffer among them makes
// V8's element access polymorphic, ~4x slower).

const HEADER = 16;
const LZ4 = 1;

// Decompresses one LZ4 block from src[from, to) into dst[at, at + size); returns false if malformed. Sequences
// without literals (most of a float's exponent plane) and short matches take the shortest path (~6% faster).
function lz4Block(src, from, to, dst, at, size) {
  let s = from;
  let d = at;
  const end = at + size;
  while (s < to) {
    const token = src[s++];
    let literals = token >>> 4;
    if (literals !== 0) {
      if (literals === 15) {
        let b;
        do {
          b = src[s++];
          literals += b;
        } while (b === 255 && s < to);
      }
      if (!(s + literals <= to && d + literals <= end)) return false;
      if (literals > 32) {
        dst.set(src.subarray(s, s + literals), d);
        s += literals;
        d += literals;
      } else {
        const e = s + literals;
        while (s < e) dst[d++] = src[s++];
      }
      if (s >= to) break;
    } else if (s >= to) break;
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    let length = (token & 15) + 4;
    if (length === 19) {
      let b;
      do {
        b = src[s++];
        length += b;
      } while (b === 255 && s < to);
    }
    let m = d - offset;
    if (offset === 0 || m < at || !(d + length <= end)) return false;
    if (length <= 16) {
      const e = d + length;
      while (d < e) dst[d++] = dst[m++];
      continue;
    }
    if (offset >= length) dst.copyWithin(d, m, m + length);
    else if (offset === 1) dst.fill(dst[m], d, d + length);
    else {
      // Overlapping match repeats the last `offset` bytes: copy in doubling runs, each from before d.
      let done = 0;
      let run = offset;
      while (done < length) {
        const n = Math.min(run, length - done);
        dst.copyWithin(d + done, m, m + n);
        done += n;
        run += n;
      }
    }
    d += length;
  }
  return d === end;
}

// Undoes byte shuffle of 4-byte items, four at a time: word k of plane j holds byte j of items 4k..4k+3, so
// the four output words are a 4x4 byte transpose of the four plane words. All views aligned.
function unshuffle4(planes, at, out, from, words) {
  const [A, B, C, D] = planes;
  const [q0, q1, q2, q3] = at;
  for (let k = 0, o = from; k < words; k++, o += 4) {
    const a = A[q0 + k];
    const b = B[q1 + k];
    const c = C[q2 + k];
    const d = D[q3 + k];
    const t0 = (a & 0x00ff00ff) | ((b & 0x00ff00ff) << 8);
    const t1 = ((a >>> 8) & 0x00ff00ff) | (b & 0xff00ff00);
    const t2 = (c & 0x00ff00ff) | ((d & 0x00ff00ff) << 8);
    const t3 = ((c >>> 8) & 0x00ff00ff) | (d & 0xff00ff00);
    out[o] = (t0 & 0xffff) | (t2 << 16);
    out[o + 1] = (t1 & 0xffff) | (t3 << 16);
    out[o + 2] = (t0 >>> 16) | (t2 & 0xffff0000);
    out[o + 3] = (t1 >>> 16) | (t3 & 0xffff0000);
  }
}

// Generic byte unshuffle of items [first, count) of `size` bytes; plane j is planes[j] from starts[j].
function unshuffleBytes(planes, starts, dst, at, first, count, size) {
  for (let j = 0; j < size; j++) {
    const plane = planes[j];
    const from = starts[j];
    for (let i = first; i < count; i++) dst[at + i * size + j] = plane[from + i];
  }
}

const plain = (bytes) => (Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** Reads the header; undefined unless this decoder handles the buffer. */
export function bloscHeader(src) {
  if (src.byteLength < HEADER || src[0] !== 2) return undefined;
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const header = { flags: src[2], typesize: src[3] || 1, nbytes: view.getUint32(4, true), blocksize: view.getUint32(8, true), cbytes: view.getUint32(12, true) };
  const { flags, nbytes, blocksize, cbytes } = header;
  if (cbytes !== src.byteLength || (flags & 0x04) !== 0 || (flags & 0x08) !== 0) return undefined;
  if (flags & 0x02) return HEADER + nbytes > src.byteLength || flags & 0x01 ? undefined : header;
  if (flags >>> 5 !== LZ4 || blocksize === 0) return undefined;
  // Sanity before allocating: every block needs a 4-byte start and lz4 expands at most ~255x.
  if (HEADER + 4 * Math.ceil(nbytes / blocksize) > src.byteLength || nbytes > src.byteLength * 256) return undefined;
  return header;
}

export function decodeBlosc(input, into, simd) {
  const src = plain(input);
  const header = bloscHeader(src);
  if (!header) return undefined;
  const { flags, typesize, nbytes, blocksize } = header;
  const out = into ? plain(into).subarray(0, nbytes) : new Uint8Array(nbytes);
  if (out.byteLength !== nbytes) return undefined;
  if (flags & 0x02) {
    out.set(src.subarray(HEADER, HEADER + nbytes));
    return out;
  }
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const shuffled = (flags & 0x01) !== 0 && typesize > 1;
  const nblocks = Math.ceil(nbytes / blocksize);
  // With SIMD, every plane must sit in the WebAssembly memory that holds `into` and the scratch.
  const wasm = shuffled && typesize === 4 && simd && simd.scratch.buffer === out.buffer && simd.scratch.byteLength >= blocksize ? simd : undefined;
  // Shuffled blocks decompress into an aligned scratch; raw splits aligned in the input are read in place.
  const scratch = wasm ? wasm.scratch : shuffled ? new Uint8Array(blocksize + 4) : undefined;
  const scratch32 = shuffled && !wasm ? new Uint32Array(scratch.buffer, 0, scratch.byteLength >>> 2) : undefined;
  const out32 = (out.byteOffset & 3) === 0 ? new Uint32Array(out.buffer, out.byteOffset, nbytes >>> 2) : undefined;
  const src32 = new Uint32Array(src.buffer, 0, src.buffer.byteLength >>> 2);
  for (let b = 0; b < nblocks; b++) {
    const start = view.getInt32(HEADER + 4 * b, true);
    if (start < HEADER || start >= src.byteLength) return undefined;
    const bsize = Math.min(blocksize, nbytes - b * blocksize);
    const leftover = bsize < blocksize;
    const split = (flags & 0x10) === 0 && !leftover && typesize <= 16 && bsize / typesize >= 128;
    const nsplits = split ? typesize : 1;
    const ssize = bsize / nsplits;
    const target = shuffled ? scratch : out;
    const base = shuffled ? 0 : b * blocksize;
    const planes = []; // each split's bytes: planes[j] from starts[j] (raw splits are read in place)
    const starts = [];
    const inPlace = shuffled && nsplits === 4 && typesize === 4 && !wasm;
    let s = start;
    for (let j = 0; j < nsplits; j++) {
      if (s + 4 > src.byteLength) return undefined;
      const csize = view.getInt32(s, true);
      s += 4;
      if (csize <= 0 || s + csize > src.byteLength) return undefined;
      if (csize === ssize && inPlace && ((src.byteOffset + s) & 3) === 0) {
        planes.push(src);
        starts.push(s);
      } else {
        if (csize === ssize) target.set(src.subarray(s, s + csize), base + j * ssize);
        else if (!lz4Block(src, s, s + csize, target, base + j * ssize, ssize)) return undefined;
        planes.push(target);
        starts.push(base + j * ssize);
      }
      s += csize;
    }
    if (!shuffled) continue;
    const count = Math.floor(bsize / typesize);
    for (let j = nsplits; j < typesize; j++) {
      planes.push(planes[0]); // one stream holds all planes back to back
      starts.push(starts[0] + j * count);
    }
    const at = b * blocksize;
    let first = 0;
    const aligned = planes.every((p, j) => ((p.byteOffset + starts[j]) & 3) === 0);
    if (wasm) {
      const groups = count >>> 4;
      const [a, b, c, d] = starts.map((x, j) => planes[j].byteOffset + x);
      wasm.unshuffle4(a, b, c, d, out.byteOffset + at, groups);
      first = groups * 16;
    } else if (typesize === 4 && out32 && (at & 3) === 0 && aligned) {
      const words = count >>> 2;
      const views = planes.map((p) => (p === src ? src32 : scratch32));
      unshuffle4(views, starts.map((x, j) => (planes[j].byteOffset + x) >>> 2), out32, at >>> 2, words);
      first = words * 4;
    }
    if (first < count) unshuffleBytes(planes, starts, out, at, first, count, typesize);
    // Trailing bytes that do not fill an item are not shuffled.
    if (bsize > count * typesize) {
      if (nsplits !== 1) return undefined;
      const tail = starts[0] + typesize * count;
      out.set(planes[0].subarray(tail, tail + bsize - count * typesize), at + count * typesize);
    }
  }
  return out;
}
