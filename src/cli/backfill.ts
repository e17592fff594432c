/**
 * @module `floe backfill <pipeline> --schedule <name> --from <ISO> --to <ISO>`: one run per slot of the schedule in
 * the range (both ends included), through the daemon, with live progress; Ctrl-C cancels the whole backfill.
 * Exit 0 only when every slot's run Completed.
 */
import type { BackfillBody } from "../../schemas/api-backfills.ts";
import { loadConfig } from "../config/index.ts";
import { ConflictError, NotFoundError, ValidationError } from "../core/errors.ts";
import { daemonUrl, requestDaemon } from "../daemon/client.ts";
import { parseCommandArgs, parseInstant, positiveInt } from "./args.ts";
import { EXIT, UsageError, type CliIO, type Command } from "./command.ts";

const ENDED = new Set(["Completed", "Failed", "Cancelled"]);

function progressLine(b: BackfillBody): string {
  const c = b.counts;
  const done = c.Completed ?? 0;
  const failed = (c.Failed ?? 0) + (c.Crashed ?? 0) + (c.TimedOut ?? 0) + (c.Cancelled ?? 0);
  const running = c.Running ?? 0;
  return `${b.id}  ${done}/${b.slots.length} completed, ${failed} failed, ${running} running, ${c.skipped ?? 0} skipped (had run)  ${b.state}`;
}

async function follow(io: CliIO, stateDir: string, id: string, json: boolean): Promise<BackfillBody | undefined> {
  let cancelled = false;
  const onSigint = (): void => {
    if (cancelled) return;
    cancelled = true;
    io.stderr("cancelling the backfill...\n");
    void requestDaemon(stateDir, `/api/backfills/${encodeURIComponent(id)}/cancel`, { method: "POST", what: "backfill" }, io.env).catch(() => {});
  };
  process.on("SIGINT", onSigint);
  let last = "";
  try {
    for (;;) {
      const b = await requestDaemon<BackfillBody>(stateDir, `/api/backfills/${encodeURIComponent(id)}`, { what: "backfill" }, io.env);
      if (!b) return undefined;
      const line = progressLine(b);
      if (!json && line !== last) io.stdout(`${line}\n`);
      last = line;
      if (ENDED.has(b.state)) return b;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}

export const backfillCommand: Command = {
  name: "backfill",
  summary: "run a schedule's slots over a past range (needs the daemon)",
  usage: [
    "Usage: floe backfill <pipeline> --schedule <name> --from <ISO> --to <ISO> [--max-active N] [--rerun-failed] [--yes] [--json]",
    "",
    "  --schedule NAME   the pipeline's schedule whose slots to run",
    "  --from, --to ISO  the range, both ends included (2025-03-01T02:00:00Z; a date alone is midnight UTC,",
    "                    and as --to the whole day: --from 2025-03-01 --to 2025-03-31 is March)",
    "  --max-active N    runs of this backfill at once (default 1)",
    "  --rerun-failed    also rerun slots whose run failed (slots that completed are always skipped)",
    "  --yes             confirm a range of more than 10,000 slots",
    "  --json            print the finished backfill (every slot and its run) as one JSON document",
    "",
    "Exit 0 when every slot's run Completed, 1 otherwise (failed slots, cancelled, bad range), 2 on usage errors.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        schedule: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        "max-active": { type: "string" },
        "rerun-failed": { type: "boolean" },
        yes: { type: "boolean" },
        json: { type: "boolean" },
      },
      { min: 1, max: 1, names: "<pipeline>" },
    );
    for (const flag of ["schedule", "from", "to"] as const) if (values[flag] === undefined) throw new UsageError(`missing --${flag}`);
    const from = new Date(parseInstant(values.from!, "--from")).toISOString();
    // a date alone as --to means that whole day: --from 2025-03-01 --to 2025-03-31 is March
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(values.to!);
    const to = new Date(parseInstant(values.to!, "--to") + (dateOnly ? 86_400_000 - 1 : 0)).toISOString();
    const maxActive = positiveInt(values["max-active"], "max-active", 1);
    const pipeline = positionals[0]!;
    const json = values.json ?? false;
    const config = await loadConfig(io.cwd, io.env);
    let created: BackfillBody | undefined;
    try {
      created = await requestDaemon<BackfillBody>(config.stateDir, `/api/pipelines/${encodeURIComponent(pipeline)}/backfills`, {
        method: "POST", what: `pipeline "${pipeline}"`,
        body: { schedule: values.schedule, from, to, maxActive, rerunFailed: values["rerun-failed"] ?? false, yes: values.yes ?? false },
      }, io.env);
    } catch (error) {
      if (error instanceof ValidationError) {
        io.stderr(`floe backfill: ${pipeline}\n`);
        for (const d of error.diagnostics) io.stderr(`  ${d.path ? `${d.path}: ` : ""}${d.message}\n`);
        return EXIT.failed;
      }
      if (error instanceof NotFoundError || error instanceof ConflictError) {
        io.stderr(`floe backfill: ${error.message}\n`);
        return EXIT.failed;
      }
      throw error;
    }
    if (!created) {
      io.stderr(`floe backfill: no daemon is serving ${config.stateDir}; start one with "floe dev" or "floe start"\n`);
      return EXIT.failed;
    }
    if (!json) io.stdout(`backfill ${created.id}  ${created.scheduleId}  ${created.slots.length} slot(s) ${from} .. ${to}  (daemon ${daemonUrl(config.stateDir) ?? ""})\n`);
    const end = await follow(io, config.stateDir, created.id, json);
    if (!end) {
      io.stderr(`floe backfill: lost contact with the daemon; see GET /api/backfills/${created.id}\n`);
      return EXIT.failed;
    }
    if (json) io.stdout(`${JSON.stringify(end, null, 2)}\n`);
    return end.state === "Completed" ? EXIT.ok : EXIT.failed;
  },
};
