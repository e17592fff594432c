/**
 * @module Colormaps as palettes for indexed PNGs: viridis (perceptually uniform) for values, RdBu for
 * differences, one dark grey for the legend's text, one light grey for missing values and white for the margin.
 * Colours come from `d3-scale-chromatic`.
 */
import { interpolateRdBu, interpolateViridis } from "d3-scale-chromatic";

/** Palette entries used by the colour ramp; indices above are special. */
export const LEVELS = 253;
export const TEXT_INDEX = 253;
export const MISSING_INDEX = 254;
export const MARGIN_INDEX = 255;
/** Light grey: not part of either ramp, so "no data" never reads as a value. */
export const MISSING_RGB: readonly [number, number, number] = [200, 200, 200];

export type ColormapName = "viridis" | "RdBu";

function parseColor(text: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text);
  if (hex) return [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16), parseInt(hex[3]!, 16)];
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(text);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  throw new Error(`unexpected colour ${text}`);
}

function palette(interpolate: (t: number) => string): readonly (readonly number[])[] {
  const out: number[][] = [];
  for (let i = 0; i < LEVELS; i++) out.push(parseColor(interpolate(i / (LEVELS - 1))));
  out.push([40, 40, 40], [...MISSING_RGB], [255, 255, 255]);
  return out;
}

// RdBu runs red to blue; reversed so that an increase is red.
const PALETTES: Readonly<Record<ColormapName, readonly (readonly number[])[]>> = {
  viridis: palette(interpolateViridis),
  RdBu: palette((t) => interpolateRdBu(1 - t)),
};

/** 256 RGB triples: the ramp, then text, missing and margin. */
export function paletteOf(name: ColormapName): number[][] {
  return PALETTES[name].map((c) => [...c]);
}

/** Palette index of every value: NaN becomes {@link MISSING_INDEX}; a constant field maps to mid-ramp. */
export function toIndices(values: Float64Array, min: number, max: number, out: Uint8Array): void {
  const span = max - min;
  const scale = span > 0 ? (LEVELS - 1) / span : 0;
  const flat = span > 0 ? 0 : (LEVELS - 1) >> 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) out[i] = MISSING_INDEX;
    else if (span > 0) out[i] = Math.max(0, Math.min(LEVELS - 1, Math.round((v - min) * scale)));
    else out[i] = flat;
  }
}
