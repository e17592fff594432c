// @module A pure-JavaScript decoder for the common Blosc 1 case, lz4 (or uncompressed) with or without byte
// shuffle: about 2x faster than the numcodecs.js WebAssembly build here, and it writes straight into the
// output. Anything else (bitshuffle, other compressors, odd layouts) returns undefined: callers fall back.
// Types in blosc-lz4.d.mts.

const HEADER = 16;
const LZ4 = 1;

// Decompresses one LZ4 block from src[from, to) into dst[at, at + size); returns false if malformed.
function lz4Block(src, from, to, dst, at, size) {
  let s = from;
  let d = at;
  const end = at + size;
  while (s < to) {
    const token = src[s++];
    let literals = token >>> 4;
    if (literals === 15) {
      let b;
      do {
        b = src[s++];
        literals += b;
      } while (b === 255 && s < to);
    }
    if (!(s + literals <= to && d + literals <= end)) return false; // also catches NaN from a truncated length
    if (literals > 16) dst.set(src.subarray(s, s + literals), d);
    else for (let i = 0; i < literals; i++) dst[d + i] = src[s + i];
    s += literals;
    d += literals;
    if (s >= to) break; // the last sequence has literals only
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    let length = token & 15;
    if (length === 15) {
      let b;
      do {
        b = src[s++];
        length += b;
      } while (b === 255 && s < to);
    }
    length += 4;
    let m = d - offset;
    if (offset === 0 || m < at || !(d + length <= end)) return false;
    if (offset >= length) {
      dst.copyWithin(d, m, m + length);
      d += length;
    } else {
      // Overlapping match: byte by byte repeats the pattern, as LZ4 intends.
      for (let i = 0; i < length; i++) dst[d++] = dst[m++];
    }
  }
  return d === end;
}

// Undoes byte shuffle of `count` items of `size` bytes: plane j (byte j of every item) is planes[j] from
// offsets[j]; planes may live in different buffers (raw splits are read straight from the input).
function unshuffle(planes, offsets, dst, at, count, size) {
  if (size === 4 && (dst.byteOffset + at) % 4 === 0) {
    const out = new Uint32Array(dst.buffer, dst.byteOffset + at, count);
    const [a, b, c, d] = planes;
    const [p0, p1, p2, p3] = offsets;
    for (let i = 0; i < count; i++) out[i] = a[p0 + i] | (b[p1 + i] << 8) | (c[p2 + i] << 16) | (d[p3 + i] << 24);
    return;
  }
  for (let j = 0; j < size; j++) {
    const plane = planes[j];
    const from = offsets[j];
    for (let i = 0; i < count; i++) dst[at + i * size + j] = plane[from + i];
  }
}

export function decodeBlosc(src) {
  if (src.byteLength < HEADER) return undefined;
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const flags = src[2];
  const typesize = src[3] || 1;
  const nbytes = view.getUint32(4, true);
  const blocksize = view.getUint32(8, true);
  const cbytes = view.getUint32(12, true);
  if (src[0] !== 2 || cbytes !== src.byteLength || (flags & 0x04) !== 0 || (flags & 0x08) !== 0) return undefined;
  if (flags & 0x02) {
    if (HEADER + nbytes > src.byteLength || (flags & 0x01)) return undefined;
    return src.slice(HEADER, HEADER + nbytes);
  }
  if (flags >>> 5 !== LZ4 || blocksize === 0) return undefined;
  // Sanity before allocating: every block needs a 4-byte start and lz4 expands at most ~255x.
  if (HEADER + 4 * Math.ceil(nbytes / blocksize) > src.byteLength || nbytes > src.byteLength * 256) return undefined;
  const out = new Uint8Array(nbytes);
  const shuffled = (flags & 0x01) !== 0 && typesize > 1;
  const nblocks = Math.ceil(nbytes / blocksize);
  const scratch = shuffled ? new Uint8Array(blocksize) : undefined;
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
    // Where each split's bytes end up: raw splits of a shuffled block are read in place, not copied.
    const planes = [];
    const offsets = [];
    let s = start;
    for (let j = 0; j < nsplits; j++) {
      if (s + 4 > src.byteLength) return undefined;
      const csize = view.getInt32(s, true);
      s += 4;
      if (csize <= 0 || s + csize > src.byteLength) return undefined;
      if (csize === ssize && shuffled) {
        planes.push(src);
        offsets.push(s);
      } else {
        if (csize === ssize) target.set(src.subarray(s, s + csize), base + j * ssize);
        else if (!lz4Block(src, s, s + csize, target, base + j * ssize, ssize)) return undefined;
        planes.push(target);
        offsets.push(base + j * ssize);
      }
      s += csize;
    }
    if (shuffled) {
      const count = Math.floor(bsize / typesize);
      if (nsplits === 1) {
        // One stream holds all planes back to back.
        for (let j = 1; j < typesize; j++) {
          planes.push(planes[0]);
          offsets.push(offsets[0] + j * count);
        }
      }
      unshuffle(planes, offsets, out, b * blocksize, count, typesize);
      // Trailing bytes that do not fill an item are not shuffled.
      const tail = offsets[0] + (nsplits === 1 ? typesize * count : 0);
      if (bsize > count * typesize) {
        if (nsplits !== 1) return undefined;
        out.set(planes[0].subarray(tail, tail + bsize - count * typesize), b * blocksize + count * typesize);
      }
    }
  }
  return out;
}
