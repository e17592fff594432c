// @module xarray's weighted reductions (weighted.py) as one pass over blocks: masked values contribute neither
// to the weighted sum nor to the sum of weights, so a mean over a land mask renormalises. Plain JavaScript for
// worker threads; types in weighted-kernel.d.mts.

// `squares`: keep Σ w·x² too (std and var need it; mean and sum do not, and skip a third sum per element).
export function newWeightedAccumulator(size, squares = true) {
  return { wx: new Float64Array(size), wxx: squares ? new Float64Array(size) : undefined, w: new Float64Array(size) };
}

// `weightStride` (optional): the weights' index stride along each block axis, 0 where they are broadcast (a
// cos(lat) column is read as is, never spread over the block); without it the weights are block-shaped.
export function weightedFold(acc, data, weights, shape, outStride, outOffset, weightStride) {
  const rank = shape.length;
  const { wx, wxx, w } = acc;
  if (rank === 0) {
    const x = data[0];
    if (x === x) {
      wx[outOffset] += weights[0] * x;
      if (wxx) wxx[outOffset] += weights[0] * x * x;
      w[outOffset] += weights[0];
    }
    return;
  }
  const last = rank - 1;
  const inner = shape[last];
  const step = outStride[last];
  const wStride = weightStride ?? shape.map((_, a) => shape.slice(a + 1).reduce((m, n) => m * n, 1));
  const wStep = wStride[last];
  const idx = new Array(rank).fill(0);
  let out = outOffset;
  let wAt = 0;
  for (let i = 0; i < data.length; ) {
    if (step === 0) {
      // A reduced last axis sums into one output: in locals (the same additions in the same order), not through
      // memory, where each element waited for the previous element's store.
      let sx = wx[out];
      let sw = w[out];
      if (wxx) {
        let sxx = wxx[out];
        for (let k = 0, j = wAt; k < inner; k++, i++, j += wStep) {
          const x = data[i];
          if (x !== x) continue;
          const q = weights[j];
          sx += q * x;
          sxx += q * x * x;
          sw += q;
        }
        wxx[out] = sxx;
      } else {
        for (let k = 0, j = wAt; k < inner; k++, i++, j += wStep) {
          const x = data[i];
          if (x !== x) continue;
          const q = weights[j];
          sx += q * x;
          sw += q;
        }
      }
      wx[out] = sx;
      w[out] = sw;
    } else {
      for (let k = 0, o = out, j = wAt; k < inner; k++, i++, o += step, j += wStep) {
        const x = data[i];
        if (x !== x) continue;
        const q = weights[j];
        wx[o] += q * x;
        if (wxx) wxx[o] += q * x * x;
        w[o] += q;
      }
    }
    let axis = last - 1;
    for (; axis >= 0; axis--) {
      out += outStride[axis];
      wAt += wStride[axis];
      if (++idx[axis] < shape[axis]) break;
      out -= outStride[axis] * shape[axis];
      wAt -= wStride[axis] * shape[axis];
      idx[axis] = 0;
    }
    if (axis < 0) break;
  }
}

export function weightedFinish(op, acc, out) {
  const { wx, wxx, w } = acc;
  for (let i = 0; i < out.length; i++) {
    if (op === "sum") out[i] = wx[i];
    else if (op === "sum_of_weights") out[i] = w[i] === 0 ? NaN : w[i];
    else if (w[i] === 0) out[i] = NaN;
    else {
      const mean = wx[i] / w[i];
      if (op === "mean") out[i] = mean;
      else {
        const v = Math.max(0, wxx[i] / w[i] - mean * mean);
        out[i] = op === "var" ? v : Math.sqrt(v);
      }
    }
  }
}
