/**
 * @module resolveConfig: every default in one place. Input is the parsed `arraylake.config.ts` object plus the
 * environment; output is complete, absolute and frozen, so nothing downstream guesses.
 */
import { availableParallelism } from "node:os";
import { isAbsolute, resolve } from "node:path";
import type { FloeConfigInput } from "../../schemas/config.ts";

export interface ResolvedConfig {
  /** Folder holding the config file; relative paths are resolved against it. */
  rootDir: string;
  stateDir: string;
  dbPath: string;
  /** PostgreSQL (`FLOE_DATABASE_URL`, else `database.url`) instead of the SQLite file at dbPath. Holds a password: never logged or returned. */
  databaseUrl: string | undefined;
  pipelinesDir: string;
  daemon: {
    host: string;
    port: number;
    apiToken: string | undefined;
    shutdownGraceMs: number;
    heartbeatMs: number;
    loaderTimeoutMs: number;
  };
  concurrency: { maxActiveRuns: number; tasksPerRun: number; jobsPerNode: number; pools: Readonly<Record<string, number>> };
  notifications: readonly { on: readonly string[]; pipelines: readonly string[] | undefined; webhook: string; format: "json" | "slack" }[];
  arraylake: {
    /** Never logged or returned; see core/redact. */
    token: string | undefined;
    serviceUri: string;
    defaultOrg: string | undefined;
    localReposDir: string;
  };
}

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 4300,
  shutdownGraceMs: 10_000,
  heartbeatMs: 1_000,
  loaderTimeoutMs: 15_000,
  maxActiveRuns: 8,
  tasksPerRun: 16,
  /** Distributed task jobs a node runs at once: one per core. */
  jobsPerNode: Math.max(1, availableParallelism()),
  serviceUri: "https://api.earthmover.io",
} as const;

export function resolveConfig(
  input: FloeConfigInput,
  rootDir: string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(rootDir, p));
  const stateDir = abs(env.FLOE_STATE_DIR || input.stateDir || "state");
  const envPort = env.FLOE_PORT ? Number(env.FLOE_PORT) : undefined;
  return Object.freeze({
    rootDir,
    stateDir,
    dbPath: resolve(stateDir, "floe.db"),
    databaseUrl: env.FLOE_DATABASE_URL || input.database?.url || undefined,
    pipelinesDir: abs(env.FLOE_PIPELINES_DIR || input.pipelinesDir || "pipelines"),
    daemon: {
      host: env.FLOE_HOST || input.daemon?.host || DEFAULTS.host,
      port: envPort ?? input.daemon?.port ?? DEFAULTS.port,
      apiToken: env.FLOE_API_TOKEN || input.daemon?.apiToken,
      shutdownGraceMs: input.daemon?.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs,
      heartbeatMs: input.daemon?.heartbeatMs ?? DEFAULTS.heartbeatMs,
      loaderTimeoutMs: input.daemon?.loaderTimeoutMs ?? DEFAULTS.loaderTimeoutMs,
    },
    concurrency: {
      maxActiveRuns: input.concurrency?.maxActiveRuns ?? DEFAULTS.maxActiveRuns,
      tasksPerRun: input.concurrency?.tasksPerRun ?? DEFAULTS.tasksPerRun,
      jobsPerNode: input.concurrency?.jobsPerNode ?? DEFAULTS.jobsPerNode,
      pools: { ...input.concurrency?.pools },
    },
    notifications: (input.notifications ?? []).map((n) => ({ on: n.on, pipelines: n.pipelines, webhook: n.webhook, format: n.format ?? "json" })),
    arraylake: {
      token: env.ARRAYLAKE_TOKEN || input.arraylake?.token || undefined,
      serviceUri: env.ARRAYLAKE_SERVICE__URI || input.arraylake?.serviceUri || DEFAULTS.serviceUri,
      defaultOrg: input.arraylake?.defaultOrg,
      localReposDir: input.arraylake?.localReposDir
        ? abs(input.arraylake.localReposDir)
        : resolve(stateDir, "arraylake"),
    },
  });
}
