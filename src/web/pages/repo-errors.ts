/** @module How repository pages fail: a 404 or 400 page with the browser's own message, never a 500 for bad input. */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ApiDeps } from "../../api/deps.ts";
import { toErrorResponse } from "../../api/errors.ts";
import type { RepoBrowser } from "../../browse/index.ts";
import { sendPage } from "../layout.ts";

export function browserOrPage(c: Context, deps: ApiDeps): RepoBrowser | Promise<Response> {
  if (deps.repos) return deps.repos;
  return sendPage(c, { title: "Repositories", section: "repos" }, html`<h1>Repositories</h1><p class="note">Repository browsing is not configured in this process.</p>`, 404);
}

export function browseErrorPage(c: Context, error: unknown): Promise<Response> {
  const { status, body, unexpected } = toErrorResponse(error);
  if (unexpected) throw error;
  const code = status === 404 ? 404 : 400;
  return sendPage(c, { title: code === 404 ? "Not found" : "Cannot show this", section: "repos" }, html`<h1>${code === 404 ? "Not found" : "Cannot show this"}</h1>
<p class="diag">${body.error.message}</p><p><a href="/repos">All repositories</a></p>`, code);
}
