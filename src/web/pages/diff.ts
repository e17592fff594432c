/**
 * @module `/repos/:org/:name/diff`: what changed between two snapshots (groups and arrays added, removed,
 * changed, chunks written) and, for each changed array, the quick look of the change of a slice.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ApiDeps } from "../../api/deps.ts";
import type { QuickLookMeta } from "../../browse/index.ts";
import { short, type Html } from "../format.ts";
import { sendPage } from "../layout.ts";
import { lookImageSrc, lookPageHref, repoHref } from "../repo-links.ts";
import { figure } from "./look.ts";
import { browseErrorPage, browserOrPage } from "./repo-errors.ts";

/** Changed arrays drawn on the page; the others are listed with links. */
const MAX_DRAWN = 6;

const list = (title: string, paths: readonly string[]): Html =>
  paths.length === 0 ? html`` : html`<h3>${title} <span class="muted">(${paths.length})</span></h3><ul>${paths.map((p) => html`<li class="mono">${p}</li>`)}</ul>`;

export async function diffPage(c: Context, deps: ApiDeps, org: string, name: string): Promise<Response> {
  const browser = browserOrPage(c, deps);
  if (browser instanceof Promise) return browser;
  const repo = `${org}/${name}`;
  const from = c.req.query("from")?.slice(0, 200) || "";
  const to = c.req.query("to")?.slice(0, 200) || "main";
  try {
    const d = await browser.diff(repo, from, to);
    const looks = await Promise.all(d.arraysChanged.slice(0, MAX_DRAWN).map(async (a) => {
      try {
        return { path: a.path, meta: (await browser.quicklook({ repo, ref: d.to.snapshotId, base: d.from.snapshotId, array: a.path, index: {} })).meta };
      } catch (error) {
        return { path: a.path, error: (error as Error).message };
      }
    }));
    const nothing = [d.groupsAdded, d.groupsRemoved, d.groupsChanged, d.arraysAdded, d.arraysRemoved, d.arraysChanged].every((l) => l.length === 0);
    return sendPage(c, { title: `Diff · ${repo}`, section: "repos" }, html`<h1><a href="${repoHref(repo)}">${repo}</a>: changes</h1>
<p>From <a href="${repoHref(repo, d.from.snapshotId)}" class="mono" title="${d.from.snapshotId}">${d.from.name === d.from.snapshotId ? short(d.from.snapshotId, 12) : d.from.name}</a>
to <a href="${repoHref(repo, d.to.snapshotId)}" class="mono" title="${d.to.snapshotId}">${d.to.name === d.to.snapshotId ? short(d.to.snapshotId, 12) : d.to.name}</a></p>
<section class="card" aria-labelledby="h-changes"><h2 id="h-changes">Groups and arrays</h2>${nothing ? html`<p class="muted">No changes.</p>` : ""}
${list("Groups added", d.groupsAdded)}${list("Groups removed", d.groupsRemoved)}${list("Groups changed", d.groupsChanged)}
${list("Arrays added", d.arraysAdded)}${list("Arrays removed", d.arraysRemoved)}
${d.arraysChanged.length === 0 ? "" : html`<h3>Arrays changed <span class="muted">(${d.arraysChanged.length})</span></h3><ul id="changed">${d.arraysChanged.map((a) =>
      html`<li><span class="mono">${a.path}</span> <span class="muted">${a.chunksWritten} chunk${a.chunksWritten === 1 ? "" : "s"} written</span> · <a href="${lookPageHref(repo, { array: a.path, ref: d.to.snapshotId })}">quick look<span class="sr"> of ${a.path}</span></a></li>`)}</ul>`}</section>
${looks.map((l) => html`<section class="card" aria-label="change of ${l.path}"><h2 class="mono">${l.path}</h2>${"meta" in l && l.meta
      ? figure(repo, l.meta as QuickLookMeta, lookImageSrc(repo, { array: l.path, ref: d.to.snapshotId, base: d.from.snapshotId }), `change (new − old)${(l.meta as QuickLookMeta).fixed.map((f) => `, ${f.dim} = ${f.label ?? f.index}`).join("")}`)
      : html`<p class="muted">${(l as { error: string }).error}</p>`}</section>`)}`);
  } catch (error) {
    return browseErrorPage(c, error);
  }
}
