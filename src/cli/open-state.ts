/** @module Opening the state database for a read-mostly command; a missing database is "no runs yet". */
import { existsSync } from "node:fs";
import { loadConfig, type ResolvedConfig } from "../config/index.ts";
import { NotFoundError } from "../core/errors.ts";
import { getRun, openStore, type RunDetail, type Store } from "../store/index.ts";
import type { CliIO } from "./command.ts";

export async function openState(io: CliIO): Promise<{ config: ResolvedConfig; store: Store }> {
  const config = await loadConfig(io.cwd, io.env);
  if (!existsSync(config.dbPath)) throw new NotFoundError("state database", `${config.dbPath} (no runs yet)`);
  return { config, store: openStore(config.dbPath) };
}

export function requireRun(store: Store, id: string): RunDetail {
  const run = getRun(store, id);
  if (!run) throw new NotFoundError("run", id);
  return run;
}
