/**
 * @module The run's DAG as inline SVG: one column per plan level, one box per task coloured by its state (mapped
 * items folded into their task with a count), edges as curves. No layout library: levels already order the graph.
 */
import { html } from "hono/html";
import type { Plan } from "../plan/types.ts";
import type { TaskRunRecord } from "../store/types.ts";
import type { Html } from "./format.ts";

const W = 160;
const H = 36;
const GAP_X = 56;
const GAP_Y = 14;
const PAD = 8;
/** Past this the picture is unreadable; the task table still lists everything. */
export const MAX_DAG_TASKS = 300;

export interface NodeState {
  state: string;
  /** Task runs folded into this node (mapped items). */
  count: number;
}

const ORDER = ["Running", "AwaitingRetry", "Failed", "TimedOut", "Cancelled", "Pending", "Skipped"];

/** One state per plan task: the most telling of its task runs (a running item beats finished ones). */
export function nodeStates(tasks: readonly TaskRunRecord[]): Map<string, NodeState> {
  const by = new Map<string, string[]>();
  for (const t of tasks) {
    const list = by.get(t.parent) ?? [];
    list.push(t.state);
    by.set(t.parent, list);
  }
  const out = new Map<string, NodeState>();
  for (const [name, states] of by) {
    const state = ORDER.find((s) => states.includes(s)) ?? (states.every((s) => s === "Cached") ? "Cached" : "Completed");
    out.set(name, { state, count: states.length });
  }
  return out;
}

const clip = (s: string, n = 19): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

type PlanShape = Pick<Plan, "tasks" | "edges" | "levels">;

export function dagSvg(plan: PlanShape, states: ReadonlyMap<string, NodeState>): Html {
  if (plan.tasks.length > MAX_DAG_TASKS) {
    return html`<p class="muted">${plan.tasks.length} tasks: too many to draw; see the task table.</p>`;
  }
  const pos = new Map<string, { x: number; y: number }>();
  plan.levels.forEach((names, level) =>
    names.forEach((name, row) => pos.set(name, { x: PAD + level * (W + GAP_X), y: PAD + row * (H + GAP_Y) })));
  const rows = Math.max(1, ...plan.levels.map((l) => l.length));
  const width = PAD * 2 + Math.max(1, plan.levels.length) * (W + GAP_X) - GAP_X;
  const height = PAD * 2 + rows * (H + GAP_Y) - GAP_Y;
  const edges = plan.edges.flatMap((e) => {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) return [];
    const [x1, y1, x2, y2] = [a.x + W, a.y + H / 2, b.x, b.y + H / 2];
    const mid = (x1 + x2) / 2;
    return [html`<path class="edge" d="M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2 - 4} ${y2}" marker-end="url(#arrow)"/>`];
  });
  const nodes = plan.tasks.flatMap((t) => {
    const p = pos.get(t.name);
    if (!p) return [];
    const s = states.get(t.name);
    const state = s?.state ?? "none";
    const label = s && s.count > 1 ? `${clip(t.name, 14)} ×${s.count}` : clip(t.name);
    return [html`<g class="node" data-task="${t.name}" data-state="${state}"><title>${t.name}: ${s ? s.state : "not started"}${
      s && s.count > 1 ? ` (${s.count} items)` : ""}</title>
<rect class="f-${state}" x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6"/>
<text x="${p.x + 10}" y="${p.y + H / 2 + 4}">${label}</text></g>`];
  });
  return html`<div class="scroll"><svg class="dag" role="img" aria-label="Task graph: ${plan.tasks.length} tasks" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z" class="arrowhead"/></marker></defs>
${edges}${nodes}</svg></div>`;
}
