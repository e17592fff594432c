/** @module `floe start`: the daemon for long-running use, logging JSON lines. */
import { runForeground } from "../daemon/foreground.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";

export const startCommand: Command = {
  name: "start",
  summary: "run the daemon for long-running use (JSON-lines logs)",
  usage: "Usage: floe start\n\nStarts the daemon in the foreground with JSON-lines logs. Stop with SIGTERM or SIGINT.",
  async run(argv, io) {
    parseCommandArgs(argv, {}, { min: 0, max: 0, names: "" });
    return runForeground("json", io);
  },
};
