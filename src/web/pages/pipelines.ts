/**
 * @module `/`: every pipeline the loader knows. Validity with file:line diagnostics and the version still active,
 * schedules with their next slots and pause/resume, the latest run states, and a "Run now" form from the params
 * schema. Schedules and recent runs are live regions (`/ui/part/pipelines`); the forms are never re-rendered.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ApiDeps, PipelineStatus } from "../../api/deps.ts";
import { redactDeep } from "../../core/redact.ts";
import { nextSlots } from "../../schedule/slots.ts";
import { listSchedules, type ScheduleRecord } from "../../store/index.ts";
import { readRecentRuns } from "../data.ts";
import { badge, domId, href, runHref, short, when, type Html } from "../format.ts";
import { sendPage, sendPart } from "../layout.ts";
import { paramsForm } from "../params-form.ts";

const RECENT = 12;
const SLOTS = 3;

function slotsOf(deps: ApiDeps, s: ScheduleRecord): number[] {
  if (s.paused) return [];
  try {
    return nextSlots({ cron: s.cron, timezone: s.timezone }, deps.clock.now(), SLOTS);
  } catch {
    return []; // a cron that no longer parses: the loader's diagnostics say why
  }
}

async function schedules(deps: ApiDeps, name: string): Promise<Html> {
  const list = await listSchedules(deps.store, { pipeline: name });
  const id = domId("sched", name);
  if (list.length === 0) return html`<div id="${id}"><p class="muted">No schedules.</p></div>`;
  return html`<div id="${id}" class="scroll"><table class="reflow"><thead><tr><th scope="col">Schedule</th><th scope="col">Cron</th>
<th scope="col">State</th><th scope="col">Next slots</th><th scope="col"><span class="sr">Action</span></th></tr></thead><tbody>${list.map((s) => html`<tr>
<td data-label="Schedule">${s.name}</td><td data-label="Cron"><code>${s.cron}</code> <span class="muted">${s.timezone}</span></td>
<td data-label="State">${badge(s.paused ? "paused" : "active")}</td>
<td data-label="Next slots">${s.paused ? html`<span class="muted">paused</span>` : slotsOf(deps, s).map((t) => html`${when(t)}<br>`)}</td>
<td data-label="Action"><button type="button" id="${domId("toggle", s.id)}" data-post="/api/schedules/${encodeURIComponent(s.id)}/${s.paused ? "resume" : "pause"}"
 aria-label="${s.paused ? "Resume" : "Pause"} schedule ${s.name} of ${name}">${s.paused ? "Resume" : "Pause"}</button></td></tr>`)}</tbody></table></div>`;
}

async function recent(deps: ApiDeps, name: string): Promise<Html> {
  const runs = await readRecentRuns(deps, name, RECENT);
  return html`<div id="${domId("recent", name)}" class="strip">${runs.length === 0 ? html`<span class="muted">No runs yet.</span>` : runs.map(
    (r) => html`<a href="${runHref(r.id)}" title="${r.id} · ${new Date(r.createdAt).toISOString()}" aria-label="Run ${r.id}: ${r.state}">${badge(r.state)}</a>`)}
<a href="${href("/runs", { pipeline: name })}">all runs</a></div>`;
}

function diagnostics(p: PipelineStatus): Html | "" {
  if (p.valid) return "";
  const ds = redactDeep(p.diagnostics);
  return html`<div class="diag" role="note"><strong>Invalid:</strong> the current code does not load.
${p.active ? html` Runs use the last good version <code>${p.active.version}</code>.` : html` There is no valid version: it cannot run.`}
<ul>${ds.map((d) => html`<li><code>${d.file ?? p.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ""}` : ""}</code> ${d.message}${
    d.path ? html` <span class="muted">(${d.path})</span>` : ""} <span class="muted">[${d.code}]</span></li>`)}</ul></div>`;
}

async function card(deps: ApiDeps, p: PipelineStatus): Promise<Html> {
  const a = p.active;
  return html`<section class="card pipeline" id="${domId("p", p.name)}" aria-labelledby="${domId("h", p.name)}">
<div class="row"><h2 id="${domId("h", p.name)}">${p.name}</h2>${badge(p.valid ? "valid" : "invalid")}
<span class="muted mono">${p.file}</span>${a ? html`<span class="muted">version <code title="${a.version}">${short(a.version, 12)}</code></span>` : ""}</div>
${a?.spec.description ? html`<p>${a.spec.description}</p>` : ""}
${diagnostics(p)}
<h3>Recent runs</h3>${await recent(deps, p.name)}
<h3>Schedules</h3>${await schedules(deps, p.name)}
<h3>Run now</h3>${paramsForm(p.name, a?.paramsSchema ?? null, a === null)}
</section>`;
}

const sorted = (deps: ApiDeps): PipelineStatus[] => [...deps.pipelines()].sort((x, y) => x.name.localeCompare(y.name));

export async function pipelinesPage(c: Context, deps: ApiDeps): Promise<Response> {
  const list = sorted(deps);
  const cards: Html[] = [];
  for (const p of list) cards.push(await card(deps, p));
  return sendPage(
    c,
    { title: "Pipelines", section: "pipelines", live: { src: "/ui/part/pipelines", everyMs: 4000 } },
    html`<h1>Pipelines</h1>${list.length === 0 ? html`<p class="muted">No pipelines yet: export one from <code>pipelines/*.ts</code>.</p>` : ""}
${cards}`,
  );
}

/** Recent runs and schedules of every pipeline, swapped in by id. */
export async function pipelinesPart(c: Context, deps: ApiDeps): Promise<Response> {
  const parts: Html[] = [];
  for (const p of sorted(deps)) parts.push(html`${await recent(deps, p.name)}${await schedules(deps, p.name)}`);
  return sendPart(c, html`${parts}`);
}
