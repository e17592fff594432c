/**
 * @module Loading `arraylake.config.ts`: import it, check it with zod, apply the environment, resolve defaults.
 * An invalid config is a {@link ConfigError} naming the file and each field; a missing file means all defaults.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigSchema, POSTGRES_URL, type FloeConfigInput } from "../../schemas/config.ts";
import { ConfigError, type Diagnostic } from "../core/errors.ts";
import { resolveConfig, type ResolvedConfig } from "./resolve.ts";

export const CONFIG_FILE = "arraylake.config.ts";

/** Finds the config file from `cwd` upwards (like package.json), or undefined. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = resolve(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function checkConfig(value: unknown, file: string, env: NodeJS.ProcessEnv): FloeConfigInput {
  const diagnostics: Diagnostic[] = [];
  const parsed = ConfigSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      diagnostics.push({ file, path: issue.path.map(String).join("."), code: issue.code, message: issue.message });
    }
  }
  if (env.FLOE_PORT !== undefined && env.FLOE_PORT !== "") {
    const port = Number(env.FLOE_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      diagnostics.push({ path: "FLOE_PORT", code: "invalid_env", message: "expected a port number 0-65535" });
    }
  }
  const dbUrl = env.FLOE_DATABASE_URL;
  if (dbUrl !== undefined && dbUrl !== "" && !POSTGRES_URL.test(dbUrl)) {
    diagnostics.push({ path: "FLOE_DATABASE_URL", code: "invalid_env", message: "expected a postgres:// URL" });
  }
  if (diagnostics.length > 0) throw new ConfigError(diagnostics);
  return parsed.data!;
}

/** Imports and checks a config module (run it in a disposable process when it may change, e.g. the daemon). */
export async function importConfig(file: string, env: NodeJS.ProcessEnv): Promise<FloeConfigInput> {
  let mod: { default?: unknown };
  try {
    mod = (await import(`${pathToFileURL(file).href}?t=${Date.now()}`)) as { default?: unknown };
  } catch (error) {
    throw new ConfigError([
      { file, code: "import_failed", message: `could not load: ${(error as Error)?.message ?? String(error)}` },
    ]);
  }
  if (mod.default === undefined) {
    throw new ConfigError([{ file, code: "no_default_export", message: "expected `export default defineConfig({...})`" }]);
  }
  return checkConfig(mod.default, file, env);
}

/** The config for a command run from `cwd`: the nearest arraylake.config.ts, the environment, the defaults. */
export async function loadConfig(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedConfig> {
  const file = env.FLOE_CONFIG ? resolve(cwd, env.FLOE_CONFIG) : findConfigFile(cwd);
  if (!file) return resolveConfig(checkConfig({}, "(defaults)", env), resolve(cwd), env);
  return resolveConfig(await importConfig(file, env), dirname(file), env);
}
