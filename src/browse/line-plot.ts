/**
 * @module A 1-D array (a global-mean series) as an SVG line plot with labelled axes: values on y with their
 * units, the dimension on x labelled by its coordinate (dates for time). Missing values break the line.
 */

export interface LineInput {
  values: Float64Array;
  /** Label of each sample on x (a date, a coordinate value or the index). */
  xLabels: readonly string[];
  xTitle: string;
  yTitle: string;
  min: number | null;
  max: number | null;
}

export const PLOT_WIDTH = 800;
export const PLOT_HEIGHT = 320;
const M = { left: 72, right: 16, top: 16, bottom: 48 };

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function niceNumber(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/**
 * @example
 * const svg = linePlot({ values, xLabels: dates, xTitle: "time", yTitle: "temp (degC)", min, max });
 */
export function linePlot(input: LineInput): string {
  const { values, xLabels } = input;
  const w = PLOT_WIDTH - M.left - M.right;
  const h = PLOT_HEIGHT - M.top - M.bottom;
  const lo = input.min ?? 0;
  const hi = input.max ?? 1;
  const span = hi - lo || Math.abs(hi) || 1;
  const [y0, y1] = hi - lo > 0 ? [lo, hi] : [lo - span / 2, hi + span / 2];
  const n = values.length;
  const xAt = (i: number) => M.left + (n > 1 ? (i / (n - 1)) * w : w / 2);
  const yAt = (v: number) => M.top + h - ((v - y0) / (y1 - y0)) * h;
  const paths: string[] = [];
  let d = "";
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      if (d) paths.push(d);
      d = "";
      continue;
    }
    d += `${d ? "L" : "M"}${xAt(i).toFixed(1)} ${yAt(v).toFixed(1)}`;
  }
  if (d) paths.push(d);
  const yTicks = Array.from({ length: 5 }, (_, k) => y0 + ((y1 - y0) * k) / 4);
  const xCount = Math.min(6, n);
  const xTicks = Array.from({ length: xCount }, (_, k) => (xCount > 1 ? Math.round((k * (n - 1)) / (xCount - 1)) : 0));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${PLOT_WIDTH} ${PLOT_HEIGHT}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" role="img" aria-label="${esc(input.yTitle)} along ${esc(input.xTitle)}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<g stroke="#ccc">${yTicks.map((t) => `<line x1="${M.left}" x2="${M.left + w}" y1="${yAt(t).toFixed(1)}" y2="${yAt(t).toFixed(1)}"/>`).join("")}</g>`,
    `<g fill="#333" text-anchor="end">${yTicks.map((t) => `<text x="${M.left - 6}" y="${(yAt(t) + 4).toFixed(1)}">${esc(niceNumber(t))}</text>`).join("")}</g>`,
    `<g fill="#333" text-anchor="middle">${xTicks.map((i) => `<text x="${xAt(i).toFixed(1)}" y="${M.top + h + 16}">${esc(xLabels[i] ?? String(i))}</text>`).join("")}</g>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + h}" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${M.left + w}" y1="${M.top + h}" y2="${M.top + h}" stroke="#333"/>`,
    ...paths.map((p) => `<path d="${p}" fill="none" stroke="#31688e" stroke-width="1.5"/>`),
    `<text x="${M.left + w / 2}" y="${PLOT_HEIGHT - 8}" text-anchor="middle" fill="#111">${esc(input.xTitle)}</text>`,
    `<text transform="translate(14 ${M.top + h / 2}) rotate(-90)" text-anchor="middle" fill="#111">${esc(input.yTitle)}</text>`,
    n === 0 || paths.length === 0 ? `<text x="${M.left + w / 2}" y="${M.top + h / 2}" text-anchor="middle" fill="#666">no data (every value is missing)</text>` : "",
    `</svg>`,
  ];
  return parts.join("\n");
}
