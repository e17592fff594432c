/**
 * @module `/commits`: the commits runs made, newest first, grouped by repository within each page (cursor
 * pagination, optional repository filter). Each snapshot links to the run that wrote it and lists that run's input
 * snapshots, each linked to the run that produced it when a floe run did.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ApiDeps } from "../../api/deps.ts";
import { readCommits, type CommitView } from "../data.ts";
import { domId, href, runHref, short, when, type Html } from "../format.ts";
import { sendPage } from "../layout.ts";

const PAGE_SIZE = 50;

function inputs(v: CommitView): Html {
  if (v.inputs.length === 0) return html`<span class="muted">none recorded</span>`;
  return html`<ul class="plain">${v.inputs.map(({ read, producedBy }) => html`<li><span>${read.repo}</span> @ <code title="${read.snapshotId}">${short(read.snapshotId, 12)}</code>${
    producedBy ? html` <span class="muted">from</span> <a class="mono" href="${runHref(producedBy)}">${short(producedBy, 12)}</a>` : html` <span class="muted">(not written by a run)</span>`}</li>`)}</ul>`;
}

function group(repo: string, items: CommitView[]): Html {
  return html`<section class="card" aria-labelledby="${domId("repo", repo)}"><h2 id="${domId("repo", repo)}"><a href="${href("/commits", { repo })}">${repo}</a></h2>
<div class="scroll"><table class="reflow"><thead><tr><th scope="col">Snapshot</th><th scope="col">Branch</th><th scope="col">Message</th>
<th scope="col">Run</th><th scope="col">Inputs</th><th scope="col">Committed</th></tr></thead><tbody>${items.map(({ commit: c, ...rest }) => html`<tr id="${domId("snap", c.repo, c.snapshotId)}">
<td data-label="Snapshot"><code title="${c.snapshotId}">${short(c.snapshotId, 12)}</code>${c.parentSnapshotId ? html`<br><span class="muted">parent <code title="${c.parentSnapshotId}">${short(c.parentSnapshotId, 12)}</code></span>` : ""}</td>
<td data-label="Branch">${c.branch}</td><td data-label="Message">${c.message}</td>
<td data-label="Run"><a class="mono" href="${runHref(c.runId)}">${short(c.runId, 12)}</a><br><span class="muted">${c.pipeline}${c.task ? ` · ${c.task}` : ""}</span></td>
<td data-label="Inputs">${inputs({ commit: c, ...rest })}</td><td data-label="Committed">${when(c.at)}</td></tr>`)}</tbody></table></div></section>`;
}

export async function commitsPage(c: Context, deps: ApiDeps): Promise<Response> {
  const repo = c.req.query("repo")?.slice(0, 300) || undefined;
  const cursor = c.req.query("cursor")?.slice(0, 300) || undefined;
  let page;
  try {
    page = await readCommits(deps, { repo, cursor, limit: PAGE_SIZE });
  } catch (error) {
    if ((error as { _tag?: string })._tag !== "InvalidCursorError") throw error;
    page = { items: [], nextCursor: null };
  }
  const byRepo = new Map<string, CommitView[]>();
  for (const v of page.items) byRepo.set(v.commit.repo, [...(byRepo.get(v.commit.repo) ?? []), v]);
  return sendPage(c, { title: "Commits", section: "commits" }, html`<h1>Commits${repo ? html` to <span class="mono">${repo}</span>` : ""}</h1>
<form class="filters card" method="get" action="/commits" role="search" aria-label="Filter commits">
<div><label for="flt-repo">Repository <span class="hint">(org/name)</span></label><input id="flt-repo" name="repo" value="${repo ?? ""}"></div>
<div><button type="submit" class="primary">Filter</button> <a class="button" href="/commits">All repositories</a></div></form>
${page.items.length === 0 ? html`<p class="muted">No commits${repo ? " to this repository" : ""} yet.</p>` : [...byRepo].map(([r, items]) => group(r, items))}
<nav class="pager" aria-label="Pages">${cursor ? html`<a href="${href("/commits", { repo })}">« Newest</a>` : html`<span></span>`}${
    page.nextCursor ? html`<a rel="next" href="${href("/commits", { repo, cursor: page.nextCursor })}">Older commits »</a>` : ""}</nav>`);
}
