/** @module `floe logs <run-id>`: a run's log lines, optionally one task's and from a minimum level. */
import { LOG_LEVELS, type LogLevel } from "../core/events.ts";
import { getLogs } from "../store/index.ts";
import { parseCommandArgs } from "./args.ts";
import { EXIT, UsageError, type Command } from "./command.ts";
import { openState, requireRun } from "./open-state.ts";

export const logsCommand: Command = {
  name: "logs",
  summary: "print a run's log lines",
  usage: `Usage: floe logs <run-id> [--task T] [--level ${LOG_LEVELS.join("|")}] [--json]`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { task: { type: "string" }, level: { type: "string" }, json: { type: "boolean" } },
      { min: 1, max: 1, names: "<run-id>" },
    );
    if (values.level !== undefined && !LOG_LEVELS.includes(values.level as LogLevel)) {
      throw new UsageError(`--level must be one of ${LOG_LEVELS.join(", ")}`);
    }
    const { store } = await openState(io);
    await using _ = store;
    const run = await requireRun(store, positionals[0]!);
    const lines = await getLogs(store, run.id, { task: values.task, level: values.level as LogLevel | undefined, limit: 10_000 });
    if (values.json) {
      io.stdout(`${JSON.stringify(lines, null, 2)}\n`);
      return EXIT.ok;
    }
    for (const l of lines) {
      const task = l.task ? `${l.task}${l.attempt && l.attempt > 1 ? `#${l.attempt}` : ""}` : "-";
      io.stdout(`${new Date(l.at).toISOString()} ${l.level.toUpperCase().padEnd(5)} ${task.padEnd(20)} ${l.message}\n`);
    }
    return EXIT.ok;
  },
};
