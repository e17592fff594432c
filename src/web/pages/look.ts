/**
 * @module `/repos/:org/:name/look`: one array's quick look, its legend (value range, units, the colour for
 * missing values), and a form choosing the index of every dimension not drawn (time shown as dates).
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ApiDeps } from "../../api/deps.ts";
import { checkNodePath, type QuickLookMeta } from "../../browse/index.ts";
import { short, type Html } from "../format.ts";
import { sendPage } from "../layout.ts";
import { lookImageSrc, lookPageHref, repoHref } from "../repo-links.ts";
import { browseErrorPage, browserOrPage } from "./repo-errors.ts";

const fmt = (v: number | null): string => (v === null ? "—" : Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(5))));

/** The figure and legend for a rendered look; shared by the diff page. */
export function figure(repo: string, meta: QuickLookMeta, src: string, caption: string): Html {
  const title = meta.longName ?? meta.array.split("/").pop()!;
  const where = meta.fixed.map((f) => `${f.dim} ${f.label ?? f.index}`).join(", ");
  const alt = `${meta.kind === "map" ? "Map" : "Line plot"} of ${title}${meta.baseSnapshotId ? " (change)" : ""}${where ? ` at ${where}` : ""}, ` +
    `values ${fmt(meta.min)} to ${fmt(meta.max)}${meta.units ? ` ${meta.units}` : ""}`;
  return html`<figure class="look"><img src="${src}" alt="${alt}" width="${meta.width}" height="${meta.height}" class="look-${meta.kind}">
${meta.kind === "map" ? html`<div class="legend" aria-hidden="true"><span>${fmt(meta.baseSnapshotId ? -Math.max(Math.abs(meta.min ?? 0), Math.abs(meta.max ?? 0)) : meta.min)}</span><span>${meta.units ?? ""}</span><span>${fmt(meta.baseSnapshotId ? Math.max(Math.abs(meta.min ?? 0), Math.abs(meta.max ?? 0)) : meta.max)}</span></div>` : ""}
<figcaption>${caption} <span class="muted">${meta.colormap} · range ${fmt(meta.min)} … ${fmt(meta.max)}${meta.units ? ` ${meta.units}` : ""}${
    meta.missing > 0 ? html` · <span class="swatch-missing"></span> ${meta.missing} missing` : ""}${meta.stride.some((s) => s > 1) ? ` · every ${meta.stride[0]}th element (decimated)` : ""}</span></figcaption></figure>`;
}

export function indexFromQuery(c: Context): Record<string, number> {
  const index: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.req.query())) {
    if (k.startsWith("at.") && /^\d{1,12}$/.test(v)) index[k.slice(3)] = Number(v);
  }
  return index;
}

export async function lookPage(c: Context, deps: ApiDeps, org: string, name: string): Promise<Response> {
  const browser = browserOrPage(c, deps);
  if (browser instanceof Promise) return browser;
  const repo = `${org}/${name}`;
  try {
    const array = checkNodePath(c.req.query("array") ?? "");
    const ref = c.req.query("ref")?.slice(0, 200) || "main";
    const index = indexFromQuery(c);
    const { meta } = await browser.quicklook({ repo, ref, array, index });
    // The image names the snapshot, not the ref: it stays right (and cacheable) if the branch moves.
    const at = meta.snapshotId;
    const step = (dim: string, i: number) => lookPageHref(repo, { array, ref: at, index: { ...Object.fromEntries(meta.fixed.map((f) => [f.dim, f.index])), [dim]: i } });
    return sendPage(c, { title: `${array} · ${repo}`, section: "repos" }, html`<h1><a href="${repoHref(repo, at)}">${repo}</a> <span class="muted">/</span> <span class="mono">${array}</span></h1>
<p class="muted">Snapshot <code title="${at}">${short(at, 12)}</code> (ref ${ref}) · ${meta.drawn.join(" × ")}</p>
${meta.fixed.length === 0 ? "" : html`<form class="filters card" method="get" aria-label="Choose the slice"><input type="hidden" name="array" value="${array}"><input type="hidden" name="ref" value="${at}">
${meta.fixed.map((f) => html`<div><label for="at-${f.dim}">${f.dim} <span class="hint">0 … ${f.size - 1}${f.label ? ` · ${f.label}` : ""}</span></label>
<input id="at-${f.dim}" type="number" name="at.${f.dim}" min="0" max="${f.size - 1}" value="${f.index}">
${f.index > 0 ? html`<a href="${step(f.dim, f.index - 1)}" aria-label="previous ${f.dim}">‹</a>` : ""}${f.index < f.size - 1 ? html` <a href="${step(f.dim, f.index + 1)}" aria-label="next ${f.dim}">›</a>` : ""}</div>`)}
<div><button type="submit" class="primary">Show</button></div></form>`}
<section class="card">${figure(repo, meta, lookImageSrc(repo, { array, ref: at, index }), meta.fixed.map((f) => `${f.dim} = ${f.label ?? f.index}`).join(", ") || meta.array)}
<p class="muted wrap">Image URL: <a href="${lookImageSrc(repo, { array, ref: at, index })}">${lookImageSrc(repo, { array, ref: at, index })}</a></p></section>`);
  } catch (error) {
    return browseErrorPage(c, error);
  }
}
