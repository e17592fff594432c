/**
 * @module The parts of a run's page that change while it runs (header, summary, DAG, timeline, tasks, snapshots).
 * Each is one element with a stable id: the page renders them once, the live fragment re-renders them, and the
 * client script swaps them in by id.
 */
import { html } from "hono/html";
import { isTerminalRunState } from "../../core/states.ts";
import type { ApiDeps } from "../../api/deps.ts";
import { dagSvg, nodeStates } from "../dag-svg.ts";
import type { RunView } from "../data.ts";
import { badge, duration, href, runHref, short, span, when, type Html } from "../format.ts";
import { attemptsOf, timelineSvg } from "../timeline-svg.ts";

const MAX_TASK_ROWS = 200;

export function runHead(v: RunView): Html {
  const { run } = v;
  const ended = isTerminalRunState(run.state);
  return html`<div id="run-head" class="row" ${ended ? html`data-live-done` : ""}>
<h1>Run <span class="mono">${run.id}</span></h1>${badge(run.state)}
<button type="button" id="btn-cancel" class="danger" data-post="/api/runs/${encodeURIComponent(run.id)}/cancel"${ended ? html` disabled` : ""}>Cancel</button>
<button type="button" id="btn-retry" data-post="/api/runs/${encodeURIComponent(run.id)}/retry" data-then="open-run"${ended ? "" : html` disabled`}>Retry</button>
<span class="error" id="run-action-error" role="alert"></span>
</div>`;
}

const parentTask = (detail: unknown): string => {
  const task = (detail as { parentTask?: unknown } | null)?.parentTask;
  return typeof task === "string" ? ` (task ${task})` : "";
};

export function runSummary(deps: ApiDeps, v: RunView, now: number): Html {
  const { run } = v;
  const active = deps.pipelines().find((p) => p.name === run.pipeline)?.active?.version;
  const trigger = run.trigger.kind === "schedule" && run.scheduleId ? `schedule ${run.scheduleId}` : run.trigger.kind;
  return html`<section id="run-summary" class="card" aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2>
<div class="grid2"><dl class="kv">
<dt>Pipeline</dt><dd><a href="${href("/runs", { pipeline: run.pipeline })}">${run.pipeline}</a></dd>
<dt>Version</dt><dd class="mono">${run.version}${active === undefined ? "" : active === run.version ? html` <span class="muted">(active)</span>` : html` <span class="muted">(active is now ${active})</span>`}</dd>
<dt>Trigger</dt><dd>${trigger}${run.slotAt !== null ? html` · slot ${when(run.slotAt)}` : ""}</dd>
${run.retryOf ? html`<dt>Retry of</dt><dd><a class="mono" href="${runHref(run.retryOf)}">${run.retryOf}</a></dd>` : ""}
${run.parentRunId ? html`<dt>Parent run</dt><dd id="run-parent"><a class="mono" href="${runHref(run.parentRunId)}">${run.parentRunId}</a>${parentTask(run.trigger.detail)}</dd>` : ""}
${v.children.length > 0 ? html`<dt>Child runs</dt><dd id="run-children"><ul class="plain">${v.children.map((c) => html`<li><a class="mono" href="${runHref(c.id)}">${c.id}</a> ${c.pipeline} ${badge(c.state)}</li>`)}</ul></dd>` : ""}
<dt>Scheduled for</dt><dd id="run-scheduled-for">${when(run.scheduledFor)}</dd>
<dt>Created</dt><dd>${when(run.createdAt)}</dd>
<dt>Started</dt><dd>${when(run.startedAt)}</dd>
<dt>Node</dt><dd id="run-node" class="mono">${run.node ?? "—"}</dd>
<dt>Ended</dt><dd>${when(run.endedAt)}</dd>
<dt>Duration</dt><dd>${duration(span(run.startedAt, run.endedAt, now))}</dd>
${run.error ? html`<dt>Error</dt><dd class="diag"><strong>${run.error.name}</strong>: ${run.error.message}</dd>` : ""}
</dl><div><h3>Params</h3><pre class="mono" id="run-params">${JSON.stringify(run.params, null, 2)}</pre></div></div></section>`;
}

export function runGraph(v: RunView, now: number): Html {
  const attempts = attemptsOf(v.events);
  const from = v.run.startedAt ?? v.events[0]?.at ?? null;
  return html`<section id="run-graph" class="card" aria-labelledby="h-graph"><h2 id="h-graph">Tasks</h2>
${v.plan ? dagSvg(v.plan, nodeStates(v.run.tasks)) : html`<p class="muted">The plan of version ${v.run.version} was not recorded.</p>`}
<h3>Timeline of attempts</h3>
${timelineSvg(attempts, from, v.run.endedAt ?? now)}
${v.eventsCut ? html`<p class="muted">History cut at ${v.events.length} transitions.</p>` : ""}
${taskTable(v, now)}</section>`;
}

function taskTable(v: RunView, now: number): Html {
  const tasks = v.run.tasks;
  if (tasks.length === 0) return html`<p class="muted">No task runs yet.</p>`;
  return html`<div class="scroll"><table class="reflow" id="task-table">
<thead><tr><th scope="col">Task</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Node</th><th scope="col">Error</th></tr></thead>
<tbody>${tasks.slice(0, MAX_TASK_ROWS).map((t) => html`<tr data-task="${t.task}">
<td data-label="Task" class="mono">${t.task}</td><td data-label="State">${badge(t.state)}</td>
<td data-label="Attempts">${t.attempts}</td><td data-label="Started">${when(t.startedAt)}</td>
<td data-label="Duration">${duration(span(t.startedAt, t.endedAt, now))}</td>
<td data-label="Node" class="mono">${t.node ?? "—"}</td>
<td data-label="Error">${t.error ? html`<strong>${t.error.name}</strong>: ${t.error.message}` : ""}</td></tr>`)}</tbody></table></div>
${tasks.length > MAX_TASK_ROWS ? html`<p class="muted">${tasks.length - MAX_TASK_ROWS} more task runs not listed.</p>` : ""}`;
}

export function runSnapshots(v: RunView): Html {
  return html`<section id="run-snapshots" class="card" aria-labelledby="h-snap"><h2 id="h-snap">Snapshots</h2>
<h3>Commits made</h3>${v.commits.length === 0 ? html`<p class="muted">None.</p>` : html`<div class="scroll"><table class="reflow" id="commit-table">
<thead><tr><th scope="col">Repository</th><th scope="col">Branch</th><th scope="col">Snapshot</th><th scope="col">Parent</th><th scope="col">Message</th><th scope="col">Task</th><th scope="col">At</th></tr></thead>
<tbody>${v.commits.map((c) => html`<tr><td data-label="Repository"><a href="${href("/commits", { repo: c.repo })}">${c.repo}</a></td>
<td data-label="Branch">${c.branch}</td><td data-label="Snapshot" class="mono" title="${c.snapshotId}">${short(c.snapshotId, 12)}</td>
<td data-label="Parent" class="mono" title="${c.parentSnapshotId ?? ""}">${c.parentSnapshotId ? short(c.parentSnapshotId, 12) : "—"}</td>
<td data-label="Message">${c.message}</td><td data-label="Task">${c.task ?? ""}</td><td data-label="At">${when(c.at)}</td></tr>`)}</tbody></table></div>`}
<h3>Snapshots read</h3>${v.reads.length === 0 ? html`<p class="muted">None.</p>` : html`<div class="scroll"><table class="reflow" id="read-table">
<thead><tr><th scope="col">Repository</th><th scope="col">Ref</th><th scope="col">Snapshot</th><th scope="col">Task</th><th scope="col">At</th></tr></thead>
<tbody>${v.reads.map((r) => html`<tr><td data-label="Repository">${r.repo}</td><td data-label="Ref">${r.branch ?? (r.tag ? `tag ${r.tag}` : "—")}</td>
<td data-label="Snapshot" class="mono" title="${r.snapshotId}">${short(r.snapshotId, 12)}</td><td data-label="Task">${r.task ?? ""}</td><td data-label="At">${when(r.at)}</td></tr>`)}</tbody></table></div>`}
</section>`;
}
