/**
 * @module Small presentational helpers shared by the dashboard pages: times, durations, short ids, state badges
 * and URL building. Everything returns escaped HTML (hono's `html`) or plain strings meant for interpolation.
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/** What hono's `html` tag returns; pages compose these without ever calling `raw()` on user data. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export const iso = (ms: number | null): string => (ms === null ? "" : new Date(ms).toISOString());

/** `2026-05-01 14:03:07Z`: compact, unambiguous, no locale (the page is the same for every reader). */
export function when(ms: number | null): Html {
  if (ms === null) return html`<span class="muted">—</span>`;
  const text = new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
  return html`<time datetime="${iso(ms)}">${text}</time>`;
}

/** 850 ms, 12.3 s, 4 m 05 s, 2 h 10 m. */
export function duration(ms: number | null): string {
  if (ms === null || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} m`;
}

export const span = (start: number | null, end: number | null, now: number): number | null =>
  start === null ? null : (end ?? now) - start;

/** Ids and snapshot ids are long; the full value stays in the title and in the link. */
export const short = (id: string, n = 10): string => (id.length > n ? id.slice(0, n) : id);

/** A state as a coloured pill; the colour is a class per state, the text is the state itself. */
export function badge(state: string): Html {
  return html`<span class="badge s-${state}" data-state="${state}">${state}</span>`;
}

/** Builds `path?query` from defined, non-empty values only. */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") q.set(k, v);
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

export const runHref = (id: string): string => `/runs/${encodeURIComponent(id)}`;

/** Stable, collision-free DOM ids from user names (other characters become `_hex_`). */
export const domId = (...parts: string[]): string =>
  parts.map((p) => p.replace(/[^A-Za-z0-9-]/g, (ch) => `_${ch.codePointAt(0)!.toString(16)}_`)).join("--");

/** JSON for a `<pre>`: escaped by `html` at interpolation. */
export const pretty = (value: unknown): string => JSON.stringify(value, null, 2) ?? "null";
