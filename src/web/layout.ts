/**
 * @module The page shell: head, navigation, skip link, the one stylesheet and the one client script, and the
 * response headers every dashboard page carries (a strict CSP: no inline script, nothing from other origins).
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Html } from "./format.ts";

/** Only this origin, no inline script: interpolated user text can never become code. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export const PAGE_HEADERS = {
  "content-security-policy": PAGE_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
} as const;

export type Section = "pipelines" | "runs" | "commits" | "backfills" | "repos";

export interface PageOptions {
  title: string;
  section: Section | undefined;
  /** Fragment URL the client polls and swaps in by element id (see `client-script.ts`). */
  live?: { src: string; everyMs: number } | undefined;
}

const NAV: readonly [Section, string, string][] = [
  ["pipelines", "/", "Pipelines"],
  ["runs", "/runs", "Runs"],
  ["commits", "/commits", "Commits"],
  ["backfills", "/backfills", "Backfills"],
  ["repos", "/repos", "Repositories"],
];

export function layout(opts: PageOptions, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · floe</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/app.css">
<script src="/ui/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/">floe</a>
<nav aria-label="Sections">${NAV.map(([key, path, label]) =>
    html`<a href="${path}"${key === opts.section ? html` aria-current="page"` : ""}>${label}</a>`)}
<a href="/docs">API</a></nav>
</header>
<main id="main"${opts.live ? html` data-live="${opts.live.src}" data-live-ms="${opts.live.everyMs}"` : ""}>
<div id="flash" class="error" role="alert"></div>
${body}
</main>
</body>
</html>`;
}

export async function sendPage(c: Context, opts: PageOptions, body: Html, status: 200 | 400 | 404 = 200): Promise<Response> {
  return c.html(await layout(opts, body), status, PAGE_HEADERS);
}

/** A fragment for the client to swap in: same headers, no shell. */
export async function sendPart(c: Context, body: Html): Promise<Response> {
  return c.html(await body, 200, PAGE_HEADERS);
}

export function notFoundPage(c: Context, what: string): Promise<Response> {
  return sendPage(c, { title: "Not found", section: undefined }, html`<h1>Not found</h1><p>${what}</p><p><a href="/">Back to pipelines</a></p>`, 404);
}
