/**
 * @module A 2-D field as an indexed PNG (`fast-png`), with the colour ramp drawn as a legend strip below it
 * (its labels, the value range and units, travel as metadata and are printed by the page).
 */
import { encode } from "fast-png";
import { LEVELS, MARGIN_INDEX, paletteOf, toIndices, type ColormapName } from "./colormap.ts";

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
export function encodeMap(values: Float64Array, width: number, height: number, range: { min: number; max: number; colormap: ColormapName }): MapImage {
  // The legend scales with the map, so that it keeps its proportion however the page sizes the image.
  const gap = Math.max(1, Math.round(height * 0.03));
  const bar = Math.max(2, Math.round(height * 0.06));
  const total = height + gap + bar;
  const data = new Uint8Array(width * total).fill(MARGIN_INDEX);
  toIndices(values, range.min, range.max, data.subarray(0, width * height));
  const ramp = new Uint8Array(width);
  for (let x = 0; x < width; x++) ramp[x] = width > 1 ? Math.round((x / (width - 1)) * (LEVELS - 1)) : 0;
  for (let y = height + gap; y < total; y++) data.set(ramp, y * width);
  // Level 1 deflate: the images are small, and speed matters more than the last few percent of size.
  const png = encode({ width, height: total, data, depth: 8, channels: 1, palette: paletteOf(range.colormap) }, { zlib: { level: 1 } });
  return { png, width, height: total };
}
