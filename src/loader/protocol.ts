/** @module Messages between the daemon (or CLI) and a loader process. */
import type { Diagnostic } from "../core/errors.ts";
import type { FloeConfigInput } from "../../schemas/config.ts";
import type { LoadResult } from "./types.ts";

export interface LoadRequest {
  files: string[];
  configFile?: string;
}

export type ConfigLoad = { ok: true; value: FloeConfigInput } | { ok: false; diagnostics: Diagnostic[]; message: string };

export type LoaderMessage =
  | { type: "ready" }
  | { type: "result"; result: LoadResult; config?: ConfigLoad }
  | { type: "error"; message: string };
