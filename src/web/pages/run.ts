/**
 * @module `/runs/:id`: one run, live until it ends. The changing sections come from `run-sections.ts` and are
 * re-fetched as a fragment (`/ui/part/runs/:id`) whenever the log stream reports a transition; the log tail is
 * rendered once here and then extended by the client from the API's SSE stream, with a level filter.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ApiDeps } from "../../api/deps.ts";
import { LOG_LEVELS, type LogLevel } from "../../core/events.ts";
import { isTerminalRunState } from "../../core/states.ts";
import { FIRST_LOG_LINES, readLogs, readRunView, type RunView } from "../data.ts";
import { iso } from "../format.ts";
import { notFoundPage, sendPage, sendPart } from "../layout.ts";
import { runArtifacts } from "./run-artifacts.ts";
import { runGraph, runHead, runSnapshots, runSummary } from "./run-sections.ts";

const levelOf = (text: string | undefined): LogLevel | undefined =>
  LOG_LEVELS.find((l) => l === text);

async function live(deps: ApiDeps, v: RunView) {
  const now = deps.clock.now();
  return html`${runHead(v)}${runSummary(deps, v, now)}${runGraph(v, now)}${await runArtifacts(deps, v.run.id)}${runSnapshots(v)}`;
}

async function logSection(deps: ApiDeps, v: RunView, level: LogLevel | undefined) {
  const lines = await readLogs(deps, v.run.id, level);
  const after = lines.at(-1)?.seq ?? 0;
  return html`<section class="card" aria-labelledby="h-logs"><h2 id="h-logs">Logs</h2>
<form class="filters" method="get" action="/runs/${encodeURIComponent(v.run.id)}" data-log-filter>
<div><label for="log-level">Minimum level</label><select id="log-level" name="level">${LOG_LEVELS.map(
    (l) => html`<option${l === (level ?? "debug") ? html` selected` : ""}>${l}</option>`)}</select></div>
<noscript><button type="submit">Apply</button></noscript></form>
<ol class="logs" id="logs" tabindex="0" aria-label="Log lines" data-run="${v.run.id}" data-after="${after}" data-level="${level ?? ""}"
 data-sse="${isTerminalRunState(v.run.state) && lines.length < FIRST_LOG_LINES ? "" : "1"}">${lines.map(
    (l) => html`<li class="l-${l.level}" data-seq="${l.seq}"><span class="muted">${iso(l.at).slice(11, 23)}</span> ${l.level.toUpperCase().padEnd(5)} ${
      l.task ? html`[${l.task}${l.attempt && l.attempt > 1 ? `#${l.attempt}` : ""}] ` : ""}${l.message}</li>`)}</ol>
<p class="muted" id="log-state" aria-live="polite">${lines.length === 0 ? "No log lines yet." : ""}</p></section>`;
}

export async function runPage(c: Context, deps: ApiDeps, id: string): Promise<Response> {
  const v = await readRunView(deps, id);
  if (!v) return notFoundPage(c, `No run with id ${id}.`);
  const level = levelOf(c.req.query("level"));
  const ended = isTerminalRunState(v.run.state);
  return sendPage(
    c,
    {
      title: `Run ${v.run.id}`, section: "runs",
      live: ended ? undefined : { src: `/ui/part/runs/${encodeURIComponent(v.run.id)}`, everyMs: 3000 },
    },
    html`<p><a href="/runs">← Runs</a></p>${await live(deps, v)}${await logSection(deps, v, level)}`,
  );
}

/** The live sections only; `data-live-done` on the header tells the client to stop once the run ended. */
export async function runPart(c: Context, deps: ApiDeps, id: string): Promise<Response> {
  const v = await readRunView(deps, id);
  if (!v) return notFoundPage(c, `No run with id ${id}.`);
  return sendPart(c, await live(deps, v));
}
