/**
 * @module `/repos` and `/repos/:org/:name`: the repositories floe can see; one repository's branches, tags and
 * snapshot history (each snapshot linked to the run and task that committed it), a diff form, and the tree of
 * groups and arrays at a ref with their metadata, each drawable array linked to its quick look.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ApiDeps } from "../../api/deps.ts";
import { madeByIndex, touchedOrgs } from "../../api/routes/repos.ts";
import type { ArrayInfo, RepoOverview, TreeNode } from "../../browse/index.ts";
import { short, runHref, type Html } from "../format.ts";
import { sendPage } from "../layout.ts";
import { diffHref, lookPageHref, repoHref } from "../repo-links.ts";
import { browseErrorPage, browserOrPage } from "./repo-errors.ts";

const DRAWABLE = /^(u?int(8|16|32|64)|float(16|32|64))$/;

export async function reposPage(c: Context, deps: ApiDeps): Promise<Response> {
  const browser = browserOrPage(c, deps);
  if (browser instanceof Promise) return browser;
  const repos = await browser.listRepos({ orgs: await touchedOrgs(deps) });
  return sendPage(c, { title: "Repositories", section: "repos" }, html`<h1>Repositories</h1>
${repos.length === 0 ? html`<p class="muted">No repositories yet.</p>` : html`<ul class="card plain list" id="repo-list">${repos.map((r) => html`<li><a href="${repoHref(r.id)}">${r.id}</a></li>`)}</ul>`}`);
}

function attrsList(attrs: Record<string, unknown>): Html {
  const entries = Object.entries(attrs).filter(([k]) => k !== "_FillValue");
  if (entries.length === 0) return html``;
  return html`<details><summary>${entries.length} attribute${entries.length === 1 ? "" : "s"}</summary><dl class="kv">${entries.map(([k, v]) =>
    html`<dt>${k}</dt><dd>${typeof v === "string" ? v : JSON.stringify(v)}</dd>`)}</dl></details>`;
}

function arrayRow(repo: string, ref: string, a: ArrayInfo): Html {
  const units = typeof a.attrs.units === "string" ? a.attrs.units : "";
  const longName = typeof a.attrs.long_name === "string" ? a.attrs.long_name : "";
  const drawable = DRAWABLE.test(a.dtype) && a.shape.every((n) => n > 0);
  return html`<tr><td data-label="Array"><span class="mono">${a.path}</span>${longName ? html`<br><span class="muted">${longName}</span>` : ""}</td>
<td data-label="Dimensions">${a.dims.map((d, i) => html`${i ? " × " : ""}${d} <span class="muted">${a.shape[i]}</span>`)}</td>
<td data-label="Type">${a.dtype}${units ? html`<br><span class="muted">${units}</span>` : ""}</td>
<td data-label="Chunks">${a.chunks.join(" × ")}<br><span class="muted">${a.codecs.join(", ")}</span></td>
<td data-label="About">${a.time ? html`<span>${a.time.first ?? "?"} … ${a.time.last ?? "?"}</span> <span class="muted">(${a.time.calendar})</span>` : ""}${attrsList(a.attrs)}</td>
<td data-label="Look">${drawable ? html`<a href="${lookPageHref(repo, { array: a.path, ref })}">Quick look<span class="sr"> of ${a.path}</span></a>` : html`<span class="muted">cannot draw ${a.dtype}</span>`}</td></tr>`;
}

function tree(repo: string, ref: string, nodes: TreeNode[], cut: boolean): Html {
  const groups = nodes.filter((n) => n.kind === "group");
  return html`${groups.map((g) => {
    const arrays = nodes.filter((n): n is ArrayInfo => n.kind === "array" && n.path.slice(0, Math.max(0, n.path.lastIndexOf("/"))) === g.path);
    return html`<section class="card group" aria-label="group ${g.path || "/"}"><h3 class="mono">/${g.path}</h3>${attrsList(g.attrs)}
${arrays.length === 0 ? "" : html`<div class="scroll"><table class="reflow"><thead><tr><th scope="col">Array</th><th scope="col">Dimensions</th><th scope="col">Type</th><th scope="col">Chunks, codecs</th><th scope="col">About</th><th scope="col">Look</th></tr></thead>
<tbody>${arrays.map((a) => arrayRow(repo, ref, a))}</tbody></table></div>`}</section>`;
  })}${cut ? html`<p class="note">The tree is cut at 2,000 nodes.</p>` : ""}`;
}

function refs(o: RepoOverview): Html {
  const pill = (name: string, kind: string) =>
    html`<a class="button${o.ref.name === name ? " current" : ""}" href="${repoHref(o.repo, name)}"${o.ref.name === name ? html` aria-current="true"` : ""}>${kind} ${name}</a>`;
  return html`<div class="strip" role="list">${o.branches.map((b) => html`<span role="listitem">${pill(b.name, "branch")}</span>`)}${o.tags.map((t) => html`<span role="listitem">${pill(t.name, "tag")}</span>`)}</div>`;
}

export async function repoPage(c: Context, deps: ApiDeps, org: string, name: string): Promise<Response> {
  const browser = browserOrPage(c, deps);
  if (browser instanceof Promise) return browser;
  const repo = `${org}/${name}`;
  const refQuery = c.req.query("ref")?.slice(0, 200) || undefined;
  try {
    const o = await browser.overview(repo, { ref: refQuery, limit: 50 });
    const t = await browser.tree(repo, o.ref.snapshotId);
    const made = await madeByIndex(deps, repo);
    const ref = o.ref.snapshotId;
    const parent = o.history[1]?.id;
    return sendPage(c, { title: repo, section: "repos" }, html`<h1>${repo}</h1>
<section class="card" aria-labelledby="h-refs"><h2 id="h-refs">Branches and tags</h2>${refs(o)}
<p class="muted">Showing ${o.ref.kind} <strong>${o.ref.name}</strong> at <code title="${o.ref.snapshotId}">${short(o.ref.snapshotId, 12)}</code>.</p>
<form class="filters" method="get" action="${diffHref(repo, "", "").split("?")[0]}" aria-label="Compare snapshots">
<div><label for="diff-from">Compare from</label><input id="diff-from" name="from" value="${parent ?? ""}" placeholder="branch, tag or snapshot"></div>
<div><label for="diff-to">to</label><input id="diff-to" name="to" value="${ref}"></div><div><button type="submit" class="primary">Diff</button></div></form></section>
<section class="card" aria-labelledby="h-tree"><h2 id="h-tree">Groups and arrays</h2>${tree(repo, ref, t.nodes, t.cut)}</section>
<section class="card" aria-labelledby="h-hist"><h2 id="h-hist">History</h2><div class="scroll"><table class="reflow" id="history"><thead><tr><th scope="col">Snapshot</th><th scope="col">Message</th><th scope="col">Written</th><th scope="col">Made by</th><th scope="col">Changes</th></tr></thead>
<tbody>${o.history.map((s) => {
      const by = made.get(s.id);
      return html`<tr id="snap-${s.id}"><td data-label="Snapshot"><a class="mono" href="${repoHref(repo, s.id)}" title="${s.id}">${short(s.id, 12)}</a>${s.parentId ? html`<br><span class="muted">parent <code title="${s.parentId}">${short(s.parentId, 12)}</code></span>` : ""}</td>
<td data-label="Message">${s.message}</td><td data-label="Written"><time datetime="${s.writtenAt}">${s.writtenAt.replace("T", " ").replace(/\.\d{3}Z$/, "Z")}</time></td>
<td data-label="Made by">${by ? html`<a class="mono" href="${runHref(by.runId)}">${short(by.runId, 12)}</a><br><span class="muted">${by.pipeline}${by.task ? ` · ${by.task}` : ""}</span>` : html`<span class="muted">not a floe run</span>`}</td>
<td data-label="Changes">${s.parentId ? html`<a href="${diffHref(repo, s.parentId, s.id)}">Diff<span class="sr"> of ${s.id} with its parent</span></a>` : ""}</td></tr>`;
    })}</tbody></table></div>${o.historyCut ? html`<p class="muted">Older snapshots are not shown.</p>` : ""}</section>`);
  } catch (error) {
    return browseErrorPage(c, error);
  }
}
