/** @module The zod schema of `arraylake.config.ts` (what `defineConfig` accepts). Defaults live in resolveConfig. */
import { z } from "zod";

const port = z.number().int().min(0).max(65535);
/** `postgres://` or `postgresql://` (the URL itself is never echoed in an error: it may hold a password). */
export const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export const PoolsSchema = z
  .record(z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i, "a pool name: letters, digits, _ . -"), z.number().int().positive())
  .describe("Named pools: tasks with `pool: name` share this many concurrent slots across all runs");

export const ConfigSchema = z
  .object({
    stateDir: z.string().min(1).optional().describe("Folder for floe.db and local repositories (default ./state)"),
    pipelinesDir: z.string().min(1).optional().describe("Folder of pipeline modules (default ./pipelines)"),
    database: z
      .object({
        url: z.string().regex(POSTGRES_URL, "expected a postgres:// URL").optional()
          .describe("PostgreSQL shared by every node of a cluster (default: SQLite in stateDir); FLOE_DATABASE_URL wins. Its password is never logged"),
      })
      .strict()
      .optional(),
    daemon: z
      .object({
        host: z.string().min(1).optional().describe("Address to bind (default 127.0.0.1)"),
        port: port.optional().describe("Port (default 4300)"),
        apiToken: z.string().min(16).optional().describe("Bearer token required when host is not loopback"),
        shutdownGraceMs: z.number().int().nonnegative().optional(),
        heartbeatMs: z.number().int().positive().optional(),
        loaderTimeoutMs: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    concurrency: z
      .object({
        maxActiveRuns: z.number().int().positive().optional().describe("Runs executing at once, all pipelines"),
        tasksPerRun: z.number().int().positive().optional().describe("Tasks executing at once within one run"),
        jobsPerNode: z.number().int().positive().optional().describe("Distributed task jobs (`distribute: true`) one node runs at once (default: its cores)"),
        pools: PoolsSchema.optional(),
      })
      .strict()
      .optional(),
    notifications: z
      .array(
        z
          .object({
            on: z.array(z.enum(["Completed", "Failed", "Cancelled", "Crashed", "TimedOut"])).min(1).describe("Run end states to notify"),
            pipelines: z.array(z.string().min(1)).optional().describe("Only these pipelines (default: all)"),
            webhook: z.url().describe("POSTed to by the daemon; a secret in the URL is never logged"),
            format: z.enum(["json", "slack"]).default("json").describe('"slack": { text } for a Slack incoming webhook'),
          })
          .strict(),
      )
      .optional()
      .describe("Webhooks the daemon calls when runs end, with retries and backoff; never blocking runs"),
    arraylake: z
      .object({
        token: z.string().optional().describe("Arraylake token (prefer the ARRAYLAKE_TOKEN environment variable)"),
        serviceUri: z.url().optional().describe("Arraylake service (default https://api.earthmover.io)"),
        defaultOrg: z.string().min(1).optional(),
        localReposDir: z.string().min(1).optional().describe("Local repositories (default <stateDir>/arraylake)"),
      })
      .strict()
      .optional(),
  })
  .strict();

export type FloeConfigInput = z.input<typeof ConfigSchema>;
