/** @module Opening the state database for a read-mostly command; a missing database is "no runs yet". */
import { existsSync } from "node:fs";
import { loadConfig, type ResolvedConfig } from "../config/index.ts";
import { NotFoundError } from "../core/errors.ts";
import { getRun, openDatabase, openStore, type RunDetail, type Store } from "../store/index.ts";
import type { CliIO } from "./command.ts";

export async function openState(io: CliIO): Promise<{ config: ResolvedConfig; store: Store }> {
  const config = await loadConfig(io.cwd, io.env);
  if (config.databaseUrl) return { config, store: await openDatabase({ url: config.databaseUrl, path: config.dbPath }) };
  // Never create a database just to read it: no file means nothing has run with this state folder yet.
  if (!existsSync(config.dbPath)) throw new NotFoundError("state database", `${config.dbPath} (no runs yet)`);
  return { config, store: openStore(config.dbPath) };
}

/** Like openState, but undefined when nothing has run yet (listings print an empty result). */
export async function openStateIfAny(io: CliIO): Promise<{ config: ResolvedConfig; store: Store } | undefined> {
  const config = await loadConfig(io.cwd, io.env);
  if (config.databaseUrl) return { config, store: await openDatabase({ url: config.databaseUrl, path: config.dbPath }) };
  return existsSync(config.dbPath) ? { config, store: openStore(config.dbPath) } : undefined;
}

export async function requireRun(store: Store, id: string): Promise<RunDetail> {
  const run = await getRun(store, id);
  if (!run) throw new NotFoundError("run", id);
  return run;
}
