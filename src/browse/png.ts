/**
 * @module A 2-D field as an indexed PNG (`fast-png`), with the colour ramp drawn as a legend strip below it and
 * its value range (and units) written under the strip, so the image says what its colours mean on its own.
 */
import { encode } from "fast-png";
import { LEVELS, MARGIN_INDEX, TEXT_INDEX, paletteOf, toIndices, type ColormapName } from "./colormap.ts";
import { drawText, formatValue, TEXT_ROWS, textWidth } from "./legend-text.ts";

export interface MapImage {
  png: Uint8Array;
  width: number;
  /** Height of the whole image, legend included. */
  height: number;
}


/**
 * Encodes `values` (row-major, `height` rows of `width`, first row drawn at the top).
 * @example
 * const { png } = encodeMap(values, 360, 180, { min: -2, max: 30, colormap: "viridis" });
 */
export function encodeMap(
  values: Float64Array,
  width: number,
  height: number,
  range: { min: number; max: number; colormap: ColormapName; units?: string | null | undefined },
): MapImage {
  // The legend scales with the map, so that it keeps its proportion however the page sizes the image.
  const gap = Math.max(1, Math.round(height * 0.03));
  const bar = Math.max(2, Math.round(height * 0.06));
  const scale = Math.max(1, Math.round(height / 150));
  const labels = gap + bar + gap;
  const total = labels + TEXT_ROWS * scale + gap;
  const data = new Uint8Array(width * (height + total)).fill(MARGIN_INDEX);
  toIndices(values, range.min, range.max, data.subarray(0, width * height));
  const ramp = new Uint8Array(width);
  for (let x = 0; x < width; x++) ramp[x] = width > 1 ? Math.round((x / (width - 1)) * (LEVELS - 1)) : 0;
  for (let y = height + gap; y < height + gap + bar; y++) data.set(ramp, y * width);
  drawLabels(data, width, height + labels, scale, range);
  // Level 1 deflate: the images are small, and speed matters more than the last few percent of size.
  const png = encode({ width, height: height + total, data, depth: 8, channels: 1, palette: paletteOf(range.colormap) }, { zlib: { level: 1 } });
  return { png, width, height: height + total };
}

/** The range's ends under the ramp's ends, and the units between them when they fit. */
function drawLabels(data: Uint8Array, width: number, y: number, scale: number, range: { min: number; max: number; units?: string | null | undefined }): void {
  const low = formatValue(range.min);
  const high = formatValue(range.max);
  const left = drawText(data, width, low, 0, y, scale, TEXT_INDEX);
  const right = textWidth(high, scale);
  drawText(data, width, high, Math.max(left + 2 * scale, width - right), y, scale, TEXT_INDEX);
  if (!range.units) return;
  const units = textWidth(range.units, scale);
  const x = Math.round((width - units) / 2);
  if (x >= left + 3 * scale && x + units <= width - right - 3 * scale) drawText(data, width, range.units, x, y, scale, TEXT_INDEX);
}
