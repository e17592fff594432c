/** @module `floe dev`: the daemon with hot reload and human-readable logs (`npm run dev`). */
import { runForeground } from "../daemon/foreground.ts";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";

export const devCommand: Command = {
  name: "dev",
  summary: "run the daemon: hot reload, schedules, API on 127.0.0.1:4300 (human-readable logs)",
  usage: "Usage: floe dev\n\nStarts the daemon in the foreground with hot reload. Port: FLOE_PORT or daemon.port. Stop with Ctrl-C.",
  async run(argv, io) {
    parseCommandArgs(argv, {}, { min: 0, max: 0, names: "" });
    return runForeground("pretty", io);
  },
};
