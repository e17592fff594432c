/**
 * @module The legend's labels drawn into a map's PNG (its value range and units), so a quick look saved or
 * attached to a run still says what its colours mean. Glyphs come from `js-pixel-fonts` (its 7-pixel "Seven plus"
 * font), scaled by whole pixels with the image.
 */
import pixelFonts from "js-pixel-fonts";

const FONT = pixelFonts.fonts.sevenPlus;
/** Height of the font's glyphs, descenders included, in font pixels. */
export const TEXT_ROWS = 9;

/** A number as a short label: 4 significant digits, no trailing zeros, exponent form when large or tiny. */
export function formatValue(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const text = abs >= 1e5 || abs < 1e-3 ? v.toExponential(2) : v.toPrecision(4);
  return text.replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, "$1");
}

/** The text as rows of 0/1 pixels (characters the font lacks become "?"). */
export function textPixels(text: string): number[][] {
  const known = [...text].map((c) => (FONT.glyphs[c] ? c : "?")).join("");
  return pixelFonts.renderPixels(known, FONT) as number[][];
}

/**
 * Writes `text` into an indexed image (`width` wide) with its top-left at (x, y), each font pixel `scale` pixels
 * square; pixels outside the image are dropped. Returns the width drawn.
 */
export function drawText(data: Uint8Array, width: number, text: string, x: number, y: number, scale: number, index: number): number {
  const rows = textPixels(text);
  const height = data.length / width;
  rows.forEach((row, r) => {
    row.forEach((on, c) => {
      if (!on) return;
      for (let dy = 0; dy < scale; dy++) {
        const py = y + r * scale + dy;
        if (py < 0 || py >= height) continue;
        for (let dx = 0; dx < scale; dx++) {
          const px = x + c * scale + dx;
          if (px >= 0 && px < width) data[py * width + px] = index;
        }
      }
    });
  });
  return textWidth(text, scale);
}

export function textWidth(text: string, scale: number): number {
  return Math.max(0, ...textPixels(text).map((r) => r.length)) * scale;
}
