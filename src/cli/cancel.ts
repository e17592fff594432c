/** @module `floe cancel <run-id>`: asks the daemon serving this state folder to cancel a run. */
import { loadConfig } from "../config/index.ts";
import { cancelViaDaemon, getRunFromDaemon } from "../daemon/client.ts";
import { parseCommandArgs } from "./args.ts";
import { EXIT, type Command } from "./command.ts";

export const cancelCommand: Command = {
  name: "cancel",
  summary: "cancel a run (needs the daemon: floe dev / floe start)",
  usage: "Usage: floe cancel <run-id> [--wait]\n\nAsks the running daemon to cancel the run; with --wait, waits until it has ended.",
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { wait: { type: "boolean" } }, { min: 1, max: 1, names: "<run-id>" });
    const runId = positionals[0]!;
    const config = await loadConfig(io.cwd, io.env);
    const accepted = await cancelViaDaemon(config.stateDir, runId, io.env);
    if (!accepted) {
      io.stderr(`floe cancel: no daemon is serving ${config.stateDir}; start one with "floe dev" (a run without a daemon stops with Ctrl-C)\n`);
      return EXIT.failed;
    }
    if (!values.wait) {
      io.stdout(`cancel requested for ${runId}\n`);
      return EXIT.ok;
    }
    for (;;) {
      const run = await getRunFromDaemon(config.stateDir, runId, io.env);
      if (!run || ["Completed", "Failed", "Cancelled", "Crashed", "TimedOut"].includes(run.state)) {
        io.stdout(`${runId} ${run?.state ?? "unknown"}\n`);
        return EXIT.ok;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  },
};
