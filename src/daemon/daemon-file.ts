/**
 * @module `<stateDir>/daemon.json`: how the CLI finds the daemon serving a state folder (pid, url, startedAt; never
 * a secret). Written atomically at start, removed at exit; a file whose pid is dead is stale and ignored.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface DaemonInfo {
  pid: number;
  url: string;
  startedAt: number;
  stateDir: string;
  /** Whether the API wants a bearer token (the token itself is not written here). */
  auth: boolean;
}

export const DAEMON_FILE = "daemon.json";

export function writeDaemonFile(stateDir: string, info: DaemonInfo): void {
  const file = join(stateDir, DAEMON_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Removes the file if it still describes this process. */
export function removeDaemonFile(stateDir: string, pid: number = process.pid): void {
  const info = readDaemonFile(stateDir, { checkAlive: false });
  if (info?.pid === pid) rmSync(join(stateDir, DAEMON_FILE), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live daemon of a state folder, or undefined (no file, unreadable, or its process is gone). */
export function readDaemonFile(stateDir: string, opts: { checkAlive?: boolean } = {}): DaemonInfo | undefined {
  let info: DaemonInfo;
  try {
    info = JSON.parse(readFileSync(join(stateDir, DAEMON_FILE), "utf8")) as DaemonInfo;
  } catch {
    return undefined;
  }
  if (typeof info.pid !== "number" || typeof info.url !== "string") return undefined;
  if ((opts.checkAlive ?? true) && !isAlive(info.pid)) return undefined;
  return info;
}
