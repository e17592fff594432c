/** @module The version hash: an edit anywhere in a pipeline's code or spec gives a new version. */
import { dirname, relative, sep } from "node:path";
import { hashOf } from "../core/ids.ts";
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import type { PlanSources } from "./types.ts";
import { stableJson } from "./stable-json.ts";

const VERSION_SCHEME = "floe-plan-1";

/**
 * sha256 (first 16 hex digits) over the spec and every source file, named relative to the module's folder
 * (so moving the checkout keeps the version) and taken in sorted order (so discovery order does not matter).
 */
export function versionOf(spec: PipelineSpec, sources: PlanSources): string {
  const root = dirname(sources.file);
  const files = [...sources.contents]
    .map(([path, text]) => [relative(root, path).split(sep).join("/"), text] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = [VERSION_SCHEME, stableJson(spec) ?? ""];
  for (const [name, text] of files) parts.push(name, text);
  return hashOf(parts, 16);
}
