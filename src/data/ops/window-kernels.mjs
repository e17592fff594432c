// @module Inner loops of rolling windows, fills and linear interpolation over [outer, rows, inner] blocks. Plain
// JavaScript (types in window-kernels.d.mts) so worker threads can load it without a TypeScript loader. Loops run
// over `inner` innermost, contiguous in memory.

// Rows come as (array, offset) pairs, `srcs[k]` from `bases[k]` for row k of [outer, rows]: a block's rows may sit
// in the chunk blocks they were read as (no copy into one block with its halo).

// Running sums for sum/mean/count/std/var: rows enter and leave the window once each.
function addRow(src, base, inner, sign, sum, sq, count, moments) {
  for (let i = 0; i < inner; i++) {
    const v = src[base + i];
    if (v !== v) continue;
    sum[i] += sign * v;
    if (moments) sq[i] += sign * v * v;
    count[i] += sign;
  }
}

// One step of a mean window sliding by one row (row `a` leaves, row `b` enters) and its output row: one pass
// instead of three. The same operations in the same order per element as addRow(-1), addRow(+1), then the output.
function slideMean(sa, ba, sb, bb, inner, sum, count, minPeriods, out, dst, f32) {
  for (let i = 0; i < inner; i++) {
    let s = sum[i];
    let n = count[i];
    const a = sa[ba + i];
    if (a === a) {
      s += -1 * a;
      n += -1;
    }
    const b = sb[bb + i];
    if (b === b) {
      s += b;
      n += 1;
    }
    sum[i] = s;
    count[i] = n;
    out[dst + i] = n < minPeriods || n === 0 ? NaN : f32 ? Math.fround(s / n) : s / n;
  }
}

// Each kernel is a stepper: `step(k, out, dst)` writes output row k of [outer, to - from] (k taken in order, as
// running sums carry from one row to the next) at out[dst..dst + inner), so a consumer may take rows one at a time.
function slidingSums(op, srcs, bases, layout, from, to, window, left, minPeriods, f32) {
  const { rows, inner } = layout;
  const code = op === "sum" ? 0 : op === "count" ? 1 : op === "mean" ? 2 : op === "var" ? 3 : 4;
  // State in one object of a fixed shape, stepped by a top-level function (a closure over it ran ~10% slower).
  const s = { srcs, bases, rows, inner, from, span: to - from, window, left, minPeriods, f32, code, moments: code >= 3, lo: 0, hi: 0 };
  const acc = { sum: new Float64Array(inner), sq: new Float64Array(inner), count: new Float64Array(inner) };
  return (k, out, dst) => stepSums(s, acc, k, out, dst);
}

function stepSums(s, acc, k, out, dst) {
  const { srcs, bases, rows, inner, from, span, window, left, minPeriods, f32, code, moments } = s;
  const { sum, sq, count } = acc;
  const o = Math.floor(k / span);
  const t = from + (k - o * span);
  const row0 = o * rows;
  const lo = s.lo;
  const hi = s.hi;
  const nlo = Math.max(0, t - left);
  const nhi = Math.min(rows, t - left + window);
  s.lo = nlo;
  s.hi = nhi;
  // Start afresh at the first row and every 1024 rows, so running sums do not drift.
  const fresh = t === from || (t - from) % 1024 === 0;
  if (!fresh && code === 2 && nlo === lo + 1 && nhi === hi + 1) {
    slideMean(srcs[row0 + lo], bases[row0 + lo], srcs[row0 + hi], bases[row0 + hi], inner, sum, count, minPeriods, out, dst, f32);
    return;
  }
  if (fresh) {
    sum.fill(0);
    sq.fill(0);
    count.fill(0);
    for (let r = nlo; r < nhi; r++) addRow(srcs[row0 + r], bases[row0 + r], inner, 1, sum, sq, count, moments);
  } else {
    for (let r = lo; r < nlo; r++) addRow(srcs[row0 + r], bases[row0 + r], inner, -1, sum, sq, count, moments);
    for (let r = hi; r < nhi; r++) addRow(srcs[row0 + r], bases[row0 + r], inner, 1, sum, sq, count, moments);
  }
  for (let i = 0; i < inner; i++) {
    const n = count[i];
    let v;
    if (n < minPeriods || n === 0) v = NaN;
    else if (code === 0) v = sum[i];
    else if (code === 1) v = n;
    else if (code === 2) v = sum[i] / n;
    else {
      const mean = sum[i] / n;
      const variance = Math.max(0, sq[i] / n - mean * mean);
      v = code === 3 ? variance : Math.sqrt(variance);
    }
    out[dst + i] = f32 ? Math.fround(v) : v;
  }
}

function extremes(op, srcs, bases, layout, from, to, window, left, minPeriods, f32) {
  const { rows, inner } = layout;
  const best = new Float64Array(inner);
  const count = new Float64Array(inner);
  const span = to - from;
  const max = op === "max";
  const round = f32 ? Math.fround : (x) => x;
  return (k, out, dst) => {
    const o = Math.floor(k / span);
    const t = from + (k - o * span);
    best.fill(max ? -Infinity : Infinity);
    count.fill(0);
    const lo = Math.max(0, t - left);
    const hi = Math.min(rows, t - left + window);
    for (let r = lo; r < hi; r++) {
      const src = srcs[o * rows + r];
      const base = bases[o * rows + r];
      for (let i = 0; i < inner; i++) {
        const v = src[base + i];
        if (v !== v) continue;
        count[i]++;
        if (max ? v > best[i] : v < best[i]) best[i] = v;
      }
    }
    for (let i = 0; i < inner; i++) out[dst + i] = count[i] >= minPeriods && count[i] > 0 ? round(best[i]) : NaN;
  };
}

// Median of each window's valid values (the two middle ones averaged), as numpy's nanmedian and bottleneck's
// move_median; a sort per window, which for the short windows of daily data costs less than a running heap.
function medians(srcs, bases, layout, from, to, window, left, minPeriods, f32) {
  const { rows, inner } = layout;
  const span = to - from;
  const values = new Float64Array(window);
  const round = f32 ? Math.fround : (x) => x;
  return (k, out, dst) => {
    const o = Math.floor(k / span);
    const t = from + (k - o * span);
    const lo = Math.max(0, t - left);
    const hi = Math.min(rows, t - left + window);
    for (let i = 0; i < inner; i++) {
      let n = 0;
      for (let r = lo; r < hi; r++) {
        const v = srcs[o * rows + r][bases[o * rows + r] + i];
        if (v === v) values[n++] = v;
      }
      if (n < minPeriods || n === 0) {
        out[dst + i] = NaN;
        continue;
      }
      const sorted = values.subarray(0, n).sort();
      out[dst + i] = round(n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2);
    }
  };
}

export function rollingSteps(op, srcs, bases, layout, from, to, window, left, minPeriods, f32 = false) {
  if (op === "median") return medians(srcs, bases, layout, from, to, window, left, minPeriods, f32);
  if (op === "min" || op === "max") return extremes(op, srcs, bases, layout, from, to, window, left, minPeriods, f32);
  return slidingSums(op, srcs, bases, layout, from, to, window, left, minPeriods, f32);
}

export function rollingRows(op, srcs, bases, layout, from, to, window, left, minPeriods, out, f32 = false) {
  const step = rollingSteps(op, srcs, bases, layout, from, to, window, left, minPeriods, f32);
  const n = layout.outer * (to - from);
  for (let k = 0; k < n; k++) step(k, out, k * layout.inner);
}

export function rolling(op, src, layout, from, to, window, left, minPeriods, out) {
  const n = layout.outer * layout.rows;
  const bases = new Int32Array(n);
  for (let k = 0; k < n; k++) bases[k] = k * layout.inner;
  rollingRows(op, new Array(n).fill(src), bases, layout, from, to, window, left, minPeriods, out);
}

export function ffill(values, layout, limit) {
  const { outer, rows, inner } = layout;
  const last = new Float64Array(inner);
  const gap = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    last.fill(NaN);
    gap.fill(0);
    for (let r = 0; r < rows; r++) {
      const base = (o * rows + r) * inner;
      for (let i = 0; i < inner; i++) {
        const v = values[base + i];
        if (v === v) {
          last[i] = v;
          gap[i] = 0;
        } else if (++gap[i] <= limit) values[base + i] = last[i];
      }
    }
  }
}

export function interpolateNa(values, layout, x) {
  const { outer, rows, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (r) => (o * rows + r) * inner + i;
      let prev = -1;
      for (let r = 0; r < rows; r++) {
        if (values[at(r)] !== values[at(r)]) continue;
        if (prev >= 0 && r - prev > 1) {
          const y0 = values[at(prev)];
          const slope = (values[at(r)] - y0) / (x[r] - x[prev]);
          for (let k = prev + 1; k < r; k++) values[at(k)] = y0 + slope * (x[k] - x[prev]);
        }
        prev = r;
      }
    }
  }
}

export function interp1d(src, layout, x, xt, out) {
  const { outer, rows, inner } = layout;
  const m = xt.length;
  const lo = new Int32Array(m);
  const frac = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const v = xt[j];
    if (!(v >= x[0] && v <= x[rows - 1]) || rows < 2) {
      lo[j] = rows === 1 && v === x[0] ? 0 : -1;
      frac[j] = 0;
      continue;
    }
    // searchsorted(x, v, "left") clipped to [1, rows - 1], as scipy's interp1d: an exact node uses the interval below it.
    let a = 0;
    let b = rows;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (x[mid] < v) a = mid + 1;
      else b = mid;
    }
    const hi = Math.min(Math.max(a, 1), rows - 1);
    lo[j] = hi - 1;
    frac[j] = (v - x[hi - 1]) / (x[hi] - x[hi - 1]);
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * m + j) * inner;
      const k = lo[j];
      if (k < 0) {
        for (let i = 0; i < inner; i++) out[dst + i] = NaN;
        continue;
      }
      const a = (o * rows + k) * inner;
      if (rows === 1) {
        for (let i = 0; i < inner; i++) out[dst + i] = src[a + i];
        continue;
      }
      const b = a + inner;
      const f = frac[j];
      for (let i = 0; i < inner; i++) out[dst + i] = src[a + i] + (src[b + i] - src[a + i]) * f;
    }
  }
}
