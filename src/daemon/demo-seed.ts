/**
 * @module On a fresh machine the daemon creates the demo repository the seasonal-averages pipeline reads, in a
 * child process (`floe demo seed`), so Icechunk and the data layer never load into the daemon's own heap.
 */
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ResolvedConfig } from "../config/index.ts";
import type { DaemonLogger } from "./logger.ts";
// The constants alone: src/demo/seed.ts would load Icechunk into the daemon's heap.
import { DEMO_REPO } from "../demo/constants.ts";


const BIN = fileURLToPath(new URL("../../bin/floe.js", import.meta.url));

/** Seeds when the local demo repository is missing; resolves when done (never rejects: a failure is logged). */
export function seedDemo(config: ResolvedConfig, env: NodeJS.ProcessEnv, log: DaemonLogger): Promise<void> {
  if (config.arraylake.token || existsSync(join(config.arraylake.localReposDir, DEMO_REPO))) return Promise.resolve();
  log.info("demo:seed", `first start: creating ${DEMO_REPO} with synthetic demo data (floe demo seed, a few seconds)`);
  return new Promise((resolve) => {
    const child = fork(BIN, ["demo", "seed"], {
      cwd: config.rootDir,
      env: { ...env, FLOE_STATE_DIR: config.stateDir },
      execArgv: ["--disable-warning=ExperimentalWarning"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (code) => {
      if (code === 0) log.info("demo:seed", output.trim());
      else log.warn("demo:seed", `floe demo seed failed (exit ${code}): ${output.trim()}`);
      resolve();
    });
  });
}
