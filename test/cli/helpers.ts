/** Runs the real `floe` binary in a child process with its own state folder. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

export interface FloeResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function floeCli(env: Record<string, string> = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), "floe-cli-"));
  const run = (...args: string[]): FloeResult => {
    const r = spawnSync(process.execPath, [join(repoRoot, "bin/floe.js"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, FLOE_STATE_DIR: stateDir, ...env },
      encoding: "utf8",
      timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { stateDir, run };
}
