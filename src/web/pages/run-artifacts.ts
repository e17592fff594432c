/**
 * @module A run's artifacts on its page, in the order the run attached them: markdown (rendered by
 * `markdown-it` with raw HTML off, so task text can never become markup or script), tables, images, links.
 */
import { html, raw } from "hono/html";
import MarkdownIt from "markdown-it";
import type { ApiDeps } from "../../api/deps.ts";
import { artifactContentPath } from "../../api/routes/artifacts.ts";
import { redactDeep } from "../../core/redact.ts";
import { listArtifacts, type ArtifactRecord } from "../../store/index.ts";
import type { Html } from "../format.ts";

const MAX_ROWS = 500;
const MAX_COLUMNS = 40;

function table(text: string): Html {
  const rows = JSON.parse(text) as Record<string, unknown>[];
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].slice(0, MAX_COLUMNS);
  const cell = (v: unknown) => (v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  return html`<div class="scroll"><table><thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>${rows.slice(0, MAX_ROWS).map((r) => html`<tr>${columns.map((c) => html`<td>${cell(r[c])}</td>`)}</tr>`)}</tbody></table></div>${
    rows.length > MAX_ROWS ? html`<p class="muted">${rows.length - MAX_ROWS} more rows (see the API).</p>` : ""}`;
}

function one(md: MarkdownIt, a: ArtifactRecord): Html {
  const head = html`<p class="muted">#${a.seq} · ${a.task}${a.title ? html` · <strong>${a.title}</strong>` : ""}</p>`;
  switch (a.kind) {
    case "markdown":
      // markdown-it escapes every HTML tag in the text (html: false) and refuses javascript: links.
      return html`<li id="artifact-${a.seq}">${head}<div class="artifact-md">${raw(md.render(a.text))}</div></li>`;
    case "table":
      return html`<li id="artifact-${a.seq}">${head}${table(a.text)}</li>`;
    case "image":
      return html`<li id="artifact-${a.seq}">${head}<figure class="look"><img src="${artifactContentPath(a.runId, a.seq)}" alt="${a.text || a.title || `image ${a.seq}`}"></figure></li>`;
    case "link": {
      const { url, label } = JSON.parse(a.text) as { url: string; label: string };
      return html`<li id="artifact-${a.seq}">${head}<a href="${url}" rel="noopener noreferrer">${label}</a></li>`;
    }
  }
}

export async function runArtifacts(deps: ApiDeps, runId: string): Promise<Html> {
  const items = redactDeep(await listArtifacts(deps.store, runId));
  if (items.length === 0) return html``;
  const md = new MarkdownIt({ html: false, linkify: false });
  return html`<section id="run-artifacts" class="card" aria-labelledby="h-art"><h2 id="h-art">Artifacts</h2>
<ol class="plain artifacts">${items.map((a) => one(md, a))}</ol></section>`;
}
