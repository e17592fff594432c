/** @module Which files in the pipelines folder are pipeline modules. */
import { readdirSync } from "node:fs";
import { join } from "node:path";

const MODULE_RE = /\.(ts|mts|js|mjs)$/;
const SKIP_RE = /(\.d\.ts|\.test\.ts)$|^[._]/;

/** Top-level modules of the folder, sorted; helpers shared by pipelines go in subfolders or `_`-prefixed files. */
export function listPipelineFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
  return entries.filter((name) => MODULE_RE.test(name) && !SKIP_RE.test(name)).sort().map((name) => join(dir, name));
}
