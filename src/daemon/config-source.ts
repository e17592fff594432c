/**
 * @module The daemon's config, loaded through the loader process (arraylake.config.ts is user code too). At start
 * an invalid config is fatal (a clear message); on a later edit an invalid config is reported and the previous one
 * kept, and only the parts that can change live (concurrency limits, pools) take effect without a restart.
 */
import { dirname, resolve } from "node:path";
import { checkConfig, findConfigFile, resolveConfig, type ResolvedConfig } from "../config/index.ts";
import { ConfigError } from "../core/errors.ts";
import type { ConfigLoad, Loader } from "../loader/index.ts";

export function locateConfig(cwd: string, env: NodeJS.ProcessEnv): { configFile: string | undefined; rootDir: string } {
  const configFile = env.FLOE_CONFIG ? resolve(cwd, env.FLOE_CONFIG) : findConfigFile(cwd);
  return { configFile, rootDir: configFile ? dirname(configFile) : resolve(cwd) };
}

export function resolveLoaded(load: ConfigLoad | undefined, rootDir: string, env: NodeJS.ProcessEnv): ResolvedConfig {
  if (load === undefined) return resolveConfig(checkConfig({}, "(defaults)", env), rootDir, env);
  if (!load.ok) throw new ConfigError(load.diagnostics.length > 0 ? load.diagnostics : [{ code: "config", message: load.message }]);
  return resolveConfig(checkConfig(load.value, "arraylake.config.ts", env), rootDir, env);
}

/** Loads the config file (if any) in the loader process. */
export async function loadDaemonConfig(loader: Loader, configFile: string | undefined, rootDir: string, env: NodeJS.ProcessEnv): Promise<ResolvedConfig> {
  if (!configFile) return resolveLoaded(undefined, rootDir, env);
  const { config } = await loader.load({ files: [], configFile });
  return resolveLoaded(config ?? { ok: false, diagnostics: [], message: "the loader returned no config" }, rootDir, env);
}

/** Fields a running daemon cannot change; an edit to them is applied at the next start. */
export function restartNeeded(before: ResolvedConfig, after: ResolvedConfig): string[] {
  const changed: string[] = [];
  if (before.stateDir !== after.stateDir) changed.push("stateDir");
  if (before.pipelinesDir !== after.pipelinesDir) changed.push("pipelinesDir");
  if (before.daemon.host !== after.daemon.host) changed.push("daemon.host");
  if (before.daemon.port !== after.daemon.port) changed.push("daemon.port");
  if (before.daemon.apiToken !== after.daemon.apiToken) changed.push("daemon.apiToken");
  return changed;
}
