import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { decode } from "fast-png";
import { TEXT_INDEX } from "../../src/browse/colormap.ts";
import { formatValue, textPixels } from "../../src/browse/legend-text.ts";
import { encodeMap } from "../../src/browse/png.ts";

/** The 0/1 pattern of the text-coloured pixels in a box of the decoded indexed image. */
function region(data: ArrayLike<number>, width: number, x: number, y: number, w: number, h: number): number[][] {
  return Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, c) => (data[(y + r) * width + x + c] === TEXT_INDEX ? 1 : 0)));
}

test("formatValue: short labels", () => {
  assert.deepEqual([-1.5, 28.25, 0, 1234567, 0.0001234, 12.3456].map(formatValue), ["-1.5", "28.25", "0", "1.23e+6", "1.23e-4", "12.35"]);
});

test("the value range and units are drawn into the PNG under the colour ramp", () => {
  const [w, h] = [360, 180];
  const values = Float64Array.from({ length: w * h }, (_, i) => -1.5 + (29.75 * (i % w)) / (w - 1));
  const { png, width, height } = encodeMap(values, w, h, { min: -1.5, max: 28.25, colormap: "viridis", units: "degC" });
  mkdirSync("test-artifacts/browse", { recursive: true });
  writeFileSync("test-artifacts/browse/legend-labels.png", png);
  const image = decode(png);
  assert.equal(image.width, width);
  assert.equal(image.height, height);
  const gap = Math.round(h * 0.03);
  const top = h + gap + Math.round(h * 0.06) + gap;
  for (const [text, x] of [["-1.5", 0], ["28.25", width - textPixels("28.25")[0]!.length]] as const) {
    const want = textPixels(text);
    const got = region(image.data, width, x, top, want[0]!.length, want.length);
    assert.deepEqual(got, want.map((row) => row.map((p) => (p ? 1 : 0))), `"${text}" drawn at x=${x}`);
  }
  const units = textPixels("degC");
  const ux = Math.round((width - units[0]!.length) / 2);
  assert.deepEqual(region(image.data, width, ux, top, units[0]!.length, units.length), units.map((row) => row.map((p) => (p ? 1 : 0))));
  const textInMap = region(image.data, width, 0, 0, width, h).flat().some((p) => p === 1);
  assert.equal(textInMap, false, "the text colour is never a value's colour");
});
