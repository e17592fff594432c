/** @module `floe start`: the daemon for long-running use, logging JSON lines. */
import { runForeground } from "../daemon/foreground.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";

export const startCommand: Command = {
  name: "start",
  summary: "run the daemon for long-running use (JSON-lines logs)",
  usage: [
    "Usage: floe start [--migrate]",
    "",
    "Starts the daemon in the foreground with JSON-lines logs. Stop with SIGTERM or SIGINT.",
    "",
    "  --migrate   PostgreSQL: apply this floe's schema migrations even while nodes of an older floe are alive",
    "              (without it such a start is refused, naming them; a database newer than this floe is always refused)",
  ].join("\n"),
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { migrate: { type: "boolean" } }, { min: 0, max: 0, names: "" });
    return runForeground("json", io, process, { migrate: values.migrate ?? false });
  },
};
