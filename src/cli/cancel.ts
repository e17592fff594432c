/**
 * @module `floe cancel <run-id>`: asks the daemon serving this state folder to cancel a run; on a machine with no
 * daemon but a shared PostgreSQL database, asks through the database (the node holding the run stops it).
 */
import { hostname } from "node:os";
import { loadConfig } from "../config/index.ts";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import type { RunEvent } from "../core/events.ts";
import { isTerminalRunState } from "../core/states.ts";
import { cancelNotHere } from "../daemon/cancel-request.ts";
import { cancelViaDaemon, daemonUrl, getRunFromDaemon } from "../daemon/client.ts";
import { applyRunEvents, getRun, openDatabase, type Store } from "../store/index.ts";
import { parseCommandArgs } from "./args.ts";
import { EXIT, type Command } from "./command.ts";

/** The API's cancel, through the database: NotFoundError, ConflictError when the run has ended. */
export async function cancelThroughDatabase(store: Store, runId: string, reason = "cancelled on request"): Promise<void> {
  const run = await getRun(store, runId);
  if (!run) throw new NotFoundError("run", runId);
  if (isTerminalRunState(run.state)) throw new ConflictError(`run ${runId} already ended (${run.state})`);
  const emit = async (events: readonly RunEvent[]): Promise<void> => {
    await applyRunEvents(store, [...events]);
  };
  await cancelNotHere({ store, node: `cli:${hostname()}:${process.pid}`, emit, now: Date.now, shared: store.dialect === "postgres" }, run, reason);
}

const POLL_MS = 100;

export const cancelCommand: Command = {
  name: "cancel",
  summary: "cancel a run (through the daemon, or the cluster's database)",
  usage: [
    "Usage: floe cancel <run-id> [--wait]",
    "",
    "Asks the running daemon to cancel the run (with no daemon here but FLOE_DATABASE_URL, asks through the database);",
    "with --wait, waits until it has ended.",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { wait: { type: "boolean" } }, { min: 1, max: 1, names: "<run-id>" });
    const runId = positionals[0]!;
    const config = await loadConfig(io.cwd, io.env);
    let stateOf: () => Promise<string | undefined>;
    let store: Store | undefined;
    try {
      if (config.databaseUrl && !daemonUrl(config.stateDir)) {
        const db = (store = await openDatabase({ url: config.databaseUrl, path: config.dbPath }));
        await cancelThroughDatabase(db, runId);
        stateOf = async () => (await getRun(db, runId))?.state;
      } else {
        const accepted = await cancelViaDaemon(config.stateDir, runId, io.env);
        if (!accepted) {
          io.stderr(`floe cancel: no daemon is serving ${config.stateDir}; start one with "floe dev" (a run without a daemon stops with Ctrl-C)\n`);
          return EXIT.failed;
        }
        stateOf = async () => (await getRunFromDaemon(config.stateDir, runId, io.env))?.state;
      }
      if (!values.wait) {
        io.stdout(`cancel requested for ${runId}\n`);
        return EXIT.ok;
      }
      for (;;) {
        const state = await stateOf();
        if (!state || ["Completed", "Failed", "Cancelled", "Crashed", "TimedOut"].includes(state)) {
          io.stdout(`${runId} ${state ?? "unknown"}\n`);
          return EXIT.ok;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    } finally {
      await store?.close();
    }
  },
};
