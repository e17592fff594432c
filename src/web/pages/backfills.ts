/**
 * @module `/backfills` and `/backfills/:id`: the partition view. A backfill's slots as a grid of cells coloured by
 * the state of each slot's run (done, failed, running, waiting, or missing), each linking to its run; live until
 * the backfill ends (`/ui/part/backfills/:id`).
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ApiDeps } from "../../api/deps.ts";
import { getBackfill, listBackfills, type BackfillDetail } from "../../store/index.ts";
import { badge, href, iso, runHref, when, type Html } from "../format.ts";
import { notFoundPage, sendPage, sendPart } from "../layout.ts";

const LEGEND = ["Completed", "Failed", "Running", "Pending", "Cancelled", "missing"] as const;

function grid(b: BackfillDetail): Html {
  const counts = new Map<string, number>();
  for (const s of b.slots) counts.set(s.state ?? "missing", (counts.get(s.state ?? "missing") ?? 0) + 1);
  return html`<section id="backfill-live" class="card" aria-labelledby="h-slots"${b.state === "Running" ? "" : html` data-live-done="1"`}>
<h2 id="h-slots">Slots <span id="backfill-state">${badge(b.state)}</span></h2>
<p class="legend">${LEGEND.map((s) => html`<span class="cell-key"><span class="cell s-${s}" aria-hidden="true"></span> ${s} ${counts.get(s) ?? 0}</span>`)}</p>
<div class="slots" role="list" aria-label="Slots by state">${b.slots.map((s) => {
    const label = `${iso(s.slotAt)} ${s.state ?? "missing"}${s.created ? "" : " (had already run)"}`;
    return s.runId
      ? html`<a role="listitem" class="cell s-${s.state ?? "missing"}" data-slot="${iso(s.slotAt)}" data-state="${s.state ?? "missing"}" href="${runHref(s.runId)}" title="${label}" aria-label="${label}"></a>`
      : html`<span role="listitem" class="cell s-missing" data-slot="${iso(s.slotAt)}" data-state="missing" title="${label}" aria-label="${label}"></span>`;
  })}</div></section>`;
}

function head(b: BackfillDetail): Html {
  return html`<h1>Backfill <span class="mono">${b.id}</span></h1>
<section class="card"><dl class="kv"><dt>Pipeline</dt><dd><a href="${href("/runs", { pipeline: b.pipeline })}">${b.pipeline}</a></dd>
<dt>Schedule</dt><dd class="mono">${b.scheduleId}</dd><dt>Range</dt><dd>${when(b.fromAt)} – ${when(b.toAt)}</dd>
<dt>Max active</dt><dd>${b.maxActive}</dd><dt>Rerun failed</dt><dd>${b.rerunFailed ? "yes" : "no"}</dd><dt>Created</dt><dd>${when(b.createdAt)}</dd></dl></section>`;
}

export async function backfillPage(c: Context, deps: ApiDeps, id: string): Promise<Response> {
  const b = await getBackfill(deps.store, id);
  if (!b) return notFoundPage(c, `No backfill with id ${id}.`);
  const live = b.state === "Running" ? { src: `/ui/part/backfills/${encodeURIComponent(id)}`, everyMs: 1000 } : undefined;
  return sendPage(c, { title: `Backfill ${id}`, section: "backfills", live }, html`<p><a href="/backfills">← Backfills</a></p>${head(b)}${grid(b)}`);
}

export async function backfillPart(c: Context, deps: ApiDeps, id: string): Promise<Response> {
  const b = await getBackfill(deps.store, id);
  if (!b) return notFoundPage(c, `No backfill with id ${id}.`);
  return sendPart(c, grid(b));
}

export async function backfillsPage(c: Context, deps: ApiDeps): Promise<Response> {
  const items = await listBackfills(deps.store, { limit: 100 });
  return sendPage(c, { title: "Backfills", section: "backfills" }, html`<h1>Backfills</h1>
${items.length === 0 ? html`<p class="muted">No backfills yet. Start one with <code>floe backfill &lt;pipeline&gt; --schedule &lt;name&gt; --from &lt;ISO&gt; --to &lt;ISO&gt;</code>.</p>` : html`<div class="scroll card"><table class="reflow"><thead><tr>
<th scope="col">Backfill</th><th scope="col">Schedule</th><th scope="col">Range</th><th scope="col">State</th><th scope="col">Created</th></tr></thead><tbody>${items.map(async (b) => {
    const detail = await getBackfill(deps.store, b.id);
    return html`<tr><td data-label="Backfill"><a class="mono" href="/backfills/${encodeURIComponent(b.id)}">${b.id}</a></td><td data-label="Schedule" class="mono">${b.scheduleId}</td>
<td data-label="Range">${when(b.fromAt)} – ${when(b.toAt)}</td><td data-label="State">${badge(detail?.state ?? b.state)}</td><td data-label="Created">${when(b.createdAt)}</td></tr>`;
  })}</tbody></table></div>`}`);
}
