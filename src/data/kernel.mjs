// @module The inner loops of group-by reductions, shared by worker threads and the main thread. Plain
// JavaScript (types in kernel.d.mts) so workers start without a TypeScript loader. A chunk is seen as
// [outer, time, inner] (time may be any axis); its partial result, a "tile", as [outer, group, inner],
// accumulated in float64 with a per-element count of valid values.

/** @returns {import("./kernel.d.mts").Tile} */
export function newTile(op, groups, layout) {
  const size = layout.outer * groups * layout.inner;
  const acc = new Float64Array(size);
  if (op === "min") acc.fill(Number.POSITIVE_INFINITY);
  if (op === "max") acc.fill(Number.NEGATIVE_INFINITY);
  // Sum-like ops count *missing* values while accumulating (fewer writes) and settle to valid counts later.
  const steps = op === "min" || op === "max" ? undefined : new Float64Array(layout.outer * groups);
  return { acc, count: new Float64Array(size), steps };
}

// Turns a sum-like tile's missing counts into valid counts (steps seen minus missing); idempotent.
export function settle(tile, groups, layout) {
  const { steps, count } = tile;
  if (!steps) return tile;
  const { outer, inner } = layout;
  for (let og = 0; og < outer * groups; og++) {
    const n = steps[og];
    for (let i = og * inner, end = i + inner; i < end; i++) count[i] = n - count[i];
  }
  tile.steps = undefined;
  return tile;
}

export function accumulate(op, tile, groups, data, layout, groupOf, steps, missing) {
  const { outer, time, inner } = layout;
  const { acc, count } = tile;
  const fill = missing.length > 0 ? missing[0] : Number.NaN;
  const several = missing.length > 1;
  const sumLike = op !== "min" && op !== "max";
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < steps; ) {
      const g = groupOf[t];
      if (g < 0) {
        t++;
        continue;
      }
      const src = (o * time + t) * inner;
      const dst = (o * groups + g) * inner;
      // Four steps of one group in a row fold in one pass over the tile row (same order of additions).
      if (sumLike && !several && fill !== fill && t + 3 < steps && groupOf[t + 1] === g && groupOf[t + 2] === g && groupOf[t + 3] === g) {
        tile.steps[o * groups + g] += 4;
        if (tile.add4 && data.buffer === acc.buffer && data.BYTES_PER_ELEMENT === 4 && (inner & 3) === 0) {
          tile.add4(acc.byteOffset + 8 * dst, count.byteOffset + 8 * dst, data.byteOffset + 4 * src, 4 * inner, inner >>> 2);
        } else add4(acc, count, data, src, dst, inner);
        t += 4;
        continue;
      }
      t++;
      if (several) {
        if (tile.steps) tile.steps[o * groups + g]++;
        generic(op, acc, count, data, src, dst, inner, missing);
      }
      else if (op === "min") {
        for (let i = 0; i < inner; i++) {
          const v = data[src + i];
          // v === v is false for NaN; the fill value (if any) is skipped too.
          if (v === v && v !== fill) {
            count[dst + i]++;
            if (v < acc[dst + i]) acc[dst + i] = v;
          }
        }
      } else if (op === "max") {
        for (let i = 0; i < inner; i++) {
          const v = data[src + i];
          if (v === v && v !== fill) {
            count[dst + i]++;
            if (v > acc[dst + i]) acc[dst + i] = v;
          }
        }
      } else if (tile.add1 && fill !== fill && data.buffer === acc.buffer && data.BYTES_PER_ELEMENT === 4 && (inner & 3) === 0) {
        tile.steps[o * groups + g]++;
        tile.add1(acc.byteOffset + 8 * dst, count.byteOffset + 8 * dst, data.byteOffset + 4 * src, inner >>> 2);
      } else {
        tile.steps[o * groups + g]++;
        for (let i = 0; i < inner; i++) {
          const v = data[src + i];
          if (v === v && v !== fill) acc[dst + i] += v;
          else count[dst + i]++;
        }
      }
    }
  }
}

// Sums four consecutive steps (rows src, src + inner, ...) into one tile row, counting NaNs as missing.
function add4(acc, missing, data, src, dst, inner) {
  const s1 = src + inner;
  const s2 = s1 + inner;
  const s3 = s2 + inner;
  for (let i = 0; i < inner; i++) {
    const x = data[src + i];
    const y = data[s1 + i];
    const z = data[s2 + i];
    const w = data[s3 + i];
    if (x === x && y === y && z === z && w === w) acc[dst + i] = acc[dst + i] + x + y + z + w;
    else {
      let a = acc[dst + i];
      let m = 0;
      if (x === x) a += x;
      else m++;
      if (y === y) a += y;
      else m++;
      if (z === z) a += z;
      else m++;
      if (w === w) a += w;
      else m++;
      acc[dst + i] = a;
      missing[dst + i] += m;
    }
  }
}

// The slow path, for variables with several missing-value markers.
function generic(op, acc, count, data, src, dst, inner, missing) {
  const sumLike = op !== "min" && op !== "max";
  for (let i = 0; i < inner; i++) {
    const v = data[src + i];
    if (v !== v || missing.includes(v)) {
      if (sumLike) count[dst + i]++;
      continue;
    }
    if (!sumLike) count[dst + i]++;
    if (op === "min") acc[dst + i] = Math.min(acc[dst + i], v);
    else if (op === "max") acc[dst + i] = Math.max(acc[dst + i], v);
    else acc[dst + i] += v;
  }
}

export function combine(op, into, from, intoAt, fromAt, length) {
  const a = into.acc;
  const c = into.count;
  const b = from.acc;
  const d = from.count;
  for (let i = 0; i < length; i++) {
    const x = b[fromAt + i];
    if (op === "min") {
      if (x < a[intoAt + i]) a[intoAt + i] = x;
    } else if (op === "max") {
      if (x > a[intoAt + i]) a[intoAt + i] = x;
    } else a[intoAt + i] += x;
    c[intoAt + i] += d[fromAt + i];
  }
}

export function finish(op, tile, out) {
  const { acc, count } = tile;
  for (let i = 0; i < out.length; i++) {
    const n = count[i];
    if (op === "mean") out[i] = n > 0 ? acc[i] / n : Number.NaN;
    else if (op === "count") out[i] = n;
    else if (op === "sum") out[i] = acc[i];
    else out[i] = n > 0 ? acc[i] : Number.NaN;
  }
}
