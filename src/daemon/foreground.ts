/**
 * @module `floe dev` / `floe start` in the foreground: build the daemon, print its URL, stop cleanly on
 * SIGINT/SIGTERM (a second signal exits at once; the next start reconciles). Start-up failures a person can fix
 * (port in use, read-only state folder) are one clear line and exit 1.
 */
import { SchemaVersionError, StoreOpenError } from "../store/index.ts";
import { createDaemon } from "./create-daemon.ts";
import { ListenError } from "./http-server.ts";
import { createLogger, type LogFormat } from "./logger.ts";
import type { Role } from "./roles.ts";

/** What the foreground daemon needs from its command (the CLI's CliIO fits). */
export interface ForegroundIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface ForegroundOptions {
  /** Migrate the database even while nodes of an older version are alive (`floe start --migrate`). */
  migrate?: boolean | undefined;
  /** The node's role in a cluster (`--role`); a role that cannot run here throws RoleError. */
  role?: Role | undefined;
  /** Runs this node executes at once (`--slots`). */
  slots?: number | undefined;
  /** This node's id (`--node-id`). */
  nodeId?: string | undefined;
}

export async function runForeground(format: LogFormat, io: ForegroundIO, signals: NodeJS.Process = process, options: ForegroundOptions = {}): Promise<number> {
  const level = io.env.FLOE_LOG_LEVEL === "debug" ? "debug" : "info";
  const log = createLogger(format, format === "json" ? io.stdout : io.stderr, Date.now, level);
  let daemon;
  try {
    const killGraceMs = Number(io.env.FLOE_KILL_GRACE_MS) || undefined;
    daemon = await createDaemon({ cwd: io.cwd, env: io.env, log, ...(killGraceMs ? { killGraceMs } : {}), migrate: options.migrate, role: options.role, slots: options.slots, nodeId: options.nodeId });
  } catch (error) {
    if (error instanceof ListenError) {
      io.stderr(`floe: cannot start the daemon: ${error.message}\n`);
      return 1;
    }
    if (error instanceof SchemaVersionError) {
      io.stderr(`floe: cannot start the daemon: ${error.message}\n`);
      return 1;
    }
    if (error instanceof StoreOpenError && error.context.path.startsWith("postgres://")) {
      io.stderr(`floe: cannot start the daemon: ${error.message}\n  Check FLOE_DATABASE_URL (or database.url in arraylake.config.ts) and that the database is reachable.\n`);
      return 1;
    }
    if (error instanceof StoreOpenError) {
      io.stderr(`floe: cannot start the daemon: the state folder cannot be used: ${error.message}\n  Set FLOE_STATE_DIR or stateDir in arraylake.config.ts to a writable folder.\n`);
      return 1;
    }
    throw error;
  }
  // a bug in one handler must not take down a daemon people leave running for months: log it, keep serving
  const onBug = (error: unknown): void => log.error("daemon:bug", (error as Error)?.stack ?? String(error));
  signals.on("unhandledRejection", onBug);
  signals.on("uncaughtException", onBug);
  const pipelines = daemon.registry.list();
  const valid = pipelines.filter((p) => p.valid).length;
  if (format === "json") log.info("daemon:listen", `${daemon.role === "all" ? "" : `${daemon.role} node ${daemon.nodeId} `}listening on ${daemon.url}`, { url: daemon.url, pid: process.pid, pipelines: pipelines.length, role: daemon.role, node: daemon.nodeId });
  else io.stdout(`floe daemon listening on ${daemon.url}  (${valid}/${pipelines.length} pipelines valid, state in ${daemon.config.stateDir})\n`);
  return await new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        io.stderr(`floe: ${signal} again, exiting now\n`);
        process.exit(1);
      }
      signalled = true;
      daemon.stop(`received ${signal}`).then(
        () => resolve(0),
        (error: unknown) => {
          io.stderr(`floe: error while stopping: ${(error as Error)?.stack ?? String(error)}\n`);
          resolve(1);
        },
      );
    };
    signals.on("SIGINT", onSignal);
    signals.on("SIGTERM", onSignal);
  });
}
