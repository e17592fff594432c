/** @module What the daemon keeps about one snapshotted pipeline version: enough to start a run of it later. */
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import type { Plan } from "../plan/types.ts";

export interface VersionManifest {
  pipeline: string;
  version: string;
  exportName: string;
  /** The snapshot copy of the module (absolute). */
  entry: string;
  /** The live file it was copied from (absolute). */
  sourceFile: string;
  spec: PipelineSpec;
  plan: Plan;
  paramsSchema: Record<string, unknown>;
  createdAt: number;
}

export const MANIFEST_FILE = "floe-version.json";
