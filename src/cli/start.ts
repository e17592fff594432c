/** @module `floe start [--role all|scheduler|worker|api] [--slots N] [--node-id ID] [--migrate]`: a daemon (or one node of a cluster), logging JSON lines. */
import { runForeground } from "../daemon/foreground.ts";
import { parseRole, RoleError } from "../daemon/roles.ts";
import { parseCommandArgs, positiveInt } from "./args.ts";
import { UsageError, type Command } from "./command.ts";

export const startCommand: Command = {
  name: "start",
  summary: "run the daemon, or one node of a cluster (--role), for long-running use (JSON-lines logs)",
  usage: `Usage: floe start [--role all|scheduler|worker|api] [--slots N] [--node-id ID] [--migrate]

Starts the daemon in the foreground with JSON-lines logs. Stop with SIGTERM or SIGINT.

  --role R     what this node does (default all). On PostgreSQL (FLOE_DATABASE_URL) a cluster runs any number
               of each: api (API, web page, pipelines), scheduler (schedules, data triggers, while it leads),
               worker (claims and executes runs; needs no pipelines folder). SQLite allows only all.
  --slots N    runs this node executes at once (default concurrency.maxActiveRuns); workers on PostgreSQL
  --node-id ID this node's id in the cluster, stable across its restarts (default FLOE_NODE_ID, else the host
               name and a hash of the state folder)
  --migrate    PostgreSQL: apply this floe's schema migrations even while nodes of an older floe are alive
               (without it such a start is refused, naming them; a database newer than this floe is always refused)`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      role: { type: "string" }, slots: { type: "string" }, "node-id": { type: "string" }, migrate: { type: "boolean" },
    }, { min: 0, max: 0, names: "" });
    try {
      const role = parseRole(values.role);
      const slots = values.slots === undefined ? undefined : positiveInt(values.slots, "slots", 1);
      return await runForeground("json", io, process, { migrate: values.migrate ?? false, role, slots, nodeId: values["node-id"] });
    } catch (error) {
      if (error instanceof RoleError) throw new UsageError(error.message);
      throw error;
    }
  },
};
