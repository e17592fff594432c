/**
 * @module A run's task attempts on a time axis, from its state history: each `-> Running` starts a bar that the
 * task's next transition ends (coloured by where it went), so a retried task shows one bar per attempt.
 */
import { html } from "hono/html";
import type { EventRecord } from "../store/types.ts";
import { duration, type Html } from "./format.ts";

export interface Attempt {
  task: string;
  attempt: number;
  start: number;
  /** null while the attempt is still running. */
  end: number | null;
  /** Where the attempt went: Completed, AwaitingRetry (it failed and will retry), Failed, ... or Running. */
  outcome: string;
}

/** Attempts per task key, in order of first start. */
export function attemptsOf(events: readonly EventRecord[]): Map<string, Attempt[]> {
  const out = new Map<string, Attempt[]>();
  const open = new Map<string, Attempt>();
  for (const e of events) {
    if (e.task === null) continue;
    const current = open.get(e.task);
    if (current) {
      current.end = e.at;
      current.outcome = e.to;
      open.delete(e.task);
    }
    if (e.to === "Running") {
      const list = out.get(e.task) ?? [];
      const a: Attempt = { task: e.task, attempt: e.attempt ?? list.length + 1, start: e.at, end: null, outcome: "Running" };
      list.push(a);
      out.set(e.task, list);
      open.set(e.task, a);
    }
  }
  return out;
}

const LABEL = 170;
const BAR_W = 760;
const ROW = 24;
/** Rows drawn; a fan-out of thousands of items is summarised rather than drawn. */
export const MAX_TIMELINE_ROWS = 80;

const fill = (outcome: string): string => (outcome === "AwaitingRetry" ? "Failed" : outcome);

export function timelineSvg(attempts: ReadonlyMap<string, Attempt[]>, from: number | null, to: number): Html {
  if (attempts.size === 0 || from === null) return html`<p class="muted">No task has started yet.</p>`;
  const rows = [...attempts].slice(0, MAX_TIMELINE_ROWS);
  const total = Math.max(1, to - from);
  const x = (t: number): number => LABEL + ((Math.min(Math.max(t, from), to) - from) / total) * BAR_W;
  const height = rows.length * ROW + 22;
  const bars = rows.map(([task, list], i) => {
    const y = i * ROW + 4;
    return html`<g data-task="${task}"><text x="0" y="${y + 13}">${task.length > 24 ? `${task.slice(0, 23)}…` : task}</text>${list.map((a) => {
      const x1 = x(a.start);
      const w = Math.max(2, x(a.end ?? to) - x1);
      return html`<rect class="f-${fill(a.outcome)}" data-attempt="${a.attempt}" data-outcome="${a.outcome}" x="${x1.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${ROW - 8}" rx="3"><title>${task} attempt ${a.attempt}: ${duration((a.end ?? to) - a.start)} → ${a.outcome === "AwaitingRetry" ? "failed, retrying" : a.outcome}</title></rect>`;
    })}</g>`;
  });
  const axisY = rows.length * ROW + 16;
  return html`<div class="scroll"><svg class="timeline" role="img" aria-label="Task attempts over time" width="${LABEL + BAR_W + 10}" height="${height}" viewBox="0 0 ${LABEL + BAR_W + 10} ${height}">
<line class="grid" x1="${LABEL}" y1="0" x2="${LABEL}" y2="${axisY - 10}"/>${bars}
<text class="axis" x="${LABEL}" y="${axisY}">0</text><text class="axis" x="${LABEL + BAR_W}" y="${axisY}" text-anchor="end">${duration(total)}</text>
</svg></div>${attempts.size > rows.length ? html`<p class="muted">${attempts.size - rows.length} more tasks not drawn.</p>` : ""}`;
}
