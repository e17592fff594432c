/**
 * @module `floe run <pipeline>`: run now with a live view; exit 0 on Completed, 1 otherwise. When a daemon serves
 * the state folder the run is submitted to it (one writer); else, with a PostgreSQL database, it is queued there for
 * the cluster's workers (database-run.ts); otherwise it runs in this process.
 */
import { loadConfig } from "../config/index.ts";
import { ValidationError } from "../core/errors.ts";
import { openDatabase } from "../store/index.ts";
import { parseCommandArgs, parseInstant } from "./args.ts";
import { EXIT, type CliIO, type Command } from "./command.ts";
import { daemonUrl } from "../daemon/client.ts";
import { createParamsChecker } from "../run/params-check.ts";
import { submissionInput } from "../run/submission.ts";
import { cancelThroughDatabase } from "./cancel.ts";
import { activeManifest, runThroughDatabase } from "./database-run.ts";
import { runViaDaemon } from "./daemon-run.ts";
import { findPipeline } from "./find-pipeline.ts";
import { runInForeground } from "./local-run.ts";
import { parseParamFlags } from "./params.ts";

function reportInvalidParams(io: CliIO, name: string, error: ValidationError): number {
  io.stderr(`floe run: invalid params for "${name}"\n`);
  for (const d of error.diagnostics) io.stderr(`  ${d.path ?? "params"}: ${d.message}\n`);
  return EXIT.failed;
}

export const runCommand: Command = {
  name: "run",
  summary: "run a pipeline now (through the daemon when one is running, or the cluster's database)",
  usage: [
    "Usage: floe run <pipeline> [--param key=value ...] [--params-json JSON] [--at ISO] [--local] [--json]",
    "",
    "  --param key=value   a param (repeatable; nested keys with dots: --param grid.res=1)",
    "  --params-json JSON  all params as one JSON object (--param values win)",
    "  --at ISO            the run's logical date (ctx.scheduledFor), e.g. 2025-03-01T00:00:00Z; default: now",
    "  --local             run in this process even when a daemon serves the state folder (or a cluster's database",
    "                      is configured: without it, FLOE_DATABASE_URL and no daemon here queue the run for the",
    "                      cluster's workers, on the version the cluster loaded)",
    "  --json              print the finished run as one JSON document",
    "",
    "Exit 0 when the run Completed, 1 otherwise (invalid params, failed run, ...).",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        param: { type: "string", multiple: true },
        "params-json": { type: "string" },
        at: { type: "string" },
        local: { type: "boolean" },
        json: { type: "boolean" },
      },
      { min: 1, max: 1, names: "<pipeline>" },
    );
    const name = positionals[0]!;
    const at = values.at === undefined ? undefined : parseInstant(values.at, "--at");
    const config = await loadConfig(io.cwd, io.env);
    const json = values.json ?? false;
    if (!values.local && config.databaseUrl && !daemonUrl(config.stateDir)) {
      // no daemon here, a shared database: the cluster's workers run it, on the version the cluster loaded
      await using store = await openDatabase({ url: config.databaseUrl, path: config.dbPath });
      const manifest = await activeManifest(store, name);
      const params = parseParamFlags(values.param ?? [], values["params-json"], manifest.paramsSchema);
      try {
        const input = submissionInput(createParamsChecker(), manifest, { params, scheduledFor: at, trigger: { kind: "manual", detail: { via: "cli" } } });
        const taskNames = manifest.plan.tasks.map((t) => t.name);
        return await runThroughDatabase(io, { store, input, taskNames, json, command: "run", cancel: (id) => cancelThroughDatabase(store, id) });
      } catch (error) {
        if (error instanceof ValidationError) return reportInvalidParams(io, name, error);
        throw error;
      }
    }
    const found = await findPipeline(config, name, io, "run");
    if (!found) return EXIT.failed;
    const { loaded, pipeline } = found;
    const params = parseParamFlags(values.param ?? [], values["params-json"], loaded.paramsSchema);
    try {
      if (!values.local) {
        const taskNames = loaded.plan.tasks.map((t) => t.name);
        const code = await runViaDaemon(io, { stateDir: config.stateDir, pipeline: name, params, scheduledFor: at === undefined ? undefined : new Date(at).toISOString(), taskNames, json });
        if (code !== undefined) return code;
      }
      await using store = await openDatabase({ url: config.databaseUrl, path: config.dbPath });
      return await runInForeground(io, {
        store,
        config,
        loaded,
        pipeline,
        params,
        trigger: { kind: "manual", detail: { via: "cli" } },
        scheduledFor: at,
        json,
        heading: (id) => `run ${id}  ${name}@${loaded.version}`,
      });
    } catch (error) {
      if (error instanceof ValidationError) return reportInvalidParams(io, name, error);
      throw error;
    }
  },
};
