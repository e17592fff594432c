/** @module Messages between the daemon and its browse process: one call, one answer, matched by id. */
import type { RepoBrowser } from "./types.ts";

export type BrowseMethod = Exclude<keyof RepoBrowser, "close">;

export interface BrowseSettings {
  localReposDir: string;
  serviceUri: string;
  cwd: string;
}

export type ToBrowse =
  | { type: "init"; settings: BrowseSettings }
  | { type: "call"; id: number; method: BrowseMethod; args: unknown[] };

export type FromBrowse =
  | { type: "ready" }
  | { type: "result"; id: number; ok: true; value: unknown }
  | { type: "result"; id: number; ok: false; tag: string; message: string };

export function isFromBrowse(m: unknown): m is FromBrowse {
  const t = (m as { type?: unknown } | null)?.type;
  return t === "ready" || t === "result";
}
