/**
 * @module `/runs`: runs newest first, filtered by pipeline, state and age, one page at a time with the store's
 * stable cursor (never all runs, whatever their number). The table body is a live region the client re-fetches
 * (`/ui/part/runs?...`, same query) so states and new runs appear without a reload.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ApiDeps } from "../../api/deps.ts";
import { RUN_STATES, type RunState } from "../../core/states.ts";
import { readRuns } from "../data.ts";
import { badge, duration, href, runHref, span, when, type Html } from "../format.ts";
import { sendPage, sendPart } from "../layout.ts";

const PAGE_SIZE = 50;
export const SINCE: Readonly<Record<string, [label: string, ms: number]>> = {
  "1h": ["last hour", 3_600_000],
  "24h": ["last 24 hours", 86_400_000],
  "7d": ["last 7 days", 7 * 86_400_000],
  "30d": ["last 30 days", 30 * 86_400_000],
};

interface Filters {
  pipeline: string | undefined;
  state: RunState | undefined;
  since: string | undefined;
  cursor: string | undefined;
}

/** Unknown values are dropped, not errors: a stale bookmark still opens a page. */
function filtersOf(c: Context): Filters {
  const q = (k: string): string | undefined => c.req.query(k)?.slice(0, 300) || undefined;
  const state = q("state");
  const since = q("since");
  return {
    pipeline: q("pipeline"),
    state: RUN_STATES.find((s) => s === state),
    since: since !== undefined && since in SINCE ? since : undefined,
    cursor: q("cursor"),
  };
}

const query = (f: Filters): Record<string, string | undefined> => ({ pipeline: f.pipeline, state: f.state, since: f.since, cursor: f.cursor });

async function body(deps: ApiDeps, f: Filters): Promise<Html> {
  const now = deps.clock.now();
  let page;
  try {
    page = await readRuns(deps, {
      pipeline: f.pipeline, state: f.state, limit: PAGE_SIZE, cursor: f.cursor,
      since: f.since ? now - SINCE[f.since]![1] : undefined,
    });
  } catch (error) {
    if ((error as { _tag?: string })._tag !== "InvalidCursorError") throw error;
    return html`<div id="runs-body"><p class="diag">This page link is no longer valid. <a href="${href("/runs", { ...query(f), cursor: undefined })}">Start from the newest runs</a>.</p></div>`;
  }
  const rows = page.items.map((r) => html`<tr data-run="${r.id}">
<td data-label="Run"><a class="mono" href="${runHref(r.id)}">${r.id}</a></td>
<td data-label="Pipeline"><a href="${href("/runs", { pipeline: r.pipeline, state: f.state, since: f.since })}">${r.pipeline}</a></td>
<td data-label="State">${badge(r.state)}</td><td data-label="Trigger">${r.trigger.kind}</td>
<td data-label="Created">${when(r.createdAt)}</td><td data-label="Duration">${duration(span(r.startedAt, r.endedAt, now))}</td></tr>`);
  return html`<div id="runs-body">${page.items.length === 0 ? html`<p class="muted">No runs match.</p>` : html`<div class="scroll"><table class="reflow" id="runs-table">
<thead><tr><th scope="col">Run</th><th scope="col">Pipeline</th><th scope="col">State</th><th scope="col">Trigger</th><th scope="col">Created</th><th scope="col">Duration</th></tr></thead>
<tbody>${rows}</tbody></table></div>`}
<nav class="pager" aria-label="Pages">${f.cursor ? html`<a href="${href("/runs", { ...query(f), cursor: undefined })}">« Newest</a>` : html`<span></span>`}${
    page.nextCursor ? html`<a rel="next" href="${href("/runs", { ...query(f), cursor: page.nextCursor })}">Older runs »</a>` : html`<span class="muted">End of list</span>`}</nav></div>`;
}

function filterForm(deps: ApiDeps, f: Filters): Html {
  const names = deps.pipelines().map((p) => p.name).sort();
  const opt = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}"${value === (selected ?? "") ? html` selected` : ""}>${label}</option>`;
  return html`<form class="filters card" method="get" action="/runs" role="search" aria-label="Filter runs">
<div><label for="flt-pipeline">Pipeline</label><select id="flt-pipeline" name="pipeline">${opt("", "all", f.pipeline)}${names.map((n) => opt(n, n, f.pipeline))}${
    f.pipeline && !names.includes(f.pipeline) ? opt(f.pipeline, f.pipeline, f.pipeline) : ""}</select></div>
<div><label for="flt-state">State</label><select id="flt-state" name="state">${opt("", "any", f.state)}${RUN_STATES.map((s) => opt(s, s, f.state))}</select></div>
<div><label for="flt-since">Created</label><select id="flt-since" name="since">${opt("", "any time", f.since)}${Object.entries(SINCE).map(([k, [label]]) => opt(k, label, f.since))}</select></div>
<div><button type="submit" class="primary">Filter</button> <a class="button" href="/runs">Clear</a></div></form>`;
}

export async function runsPage(c: Context, deps: ApiDeps): Promise<Response> {
  const f = filtersOf(c);
  return sendPage(
    c,
    { title: "Runs", section: "runs", live: { src: href("/ui/part/runs", query(f)), everyMs: 2000 } },
    html`<h1>Runs</h1>${filterForm(deps, f)}${await body(deps, f)}`,
  );
}

export async function runsPart(c: Context, deps: ApiDeps): Promise<Response> {
  return sendPart(c, await body(deps, filtersOf(c)));
}
