/**
 * @module How `floe repo` gets its Arraylake client. Kept to one function so the CLI can switch to the
 * resolved `arraylake.config.ts` (clientFromConfig) without touching the commands.
 */
import { join, resolve } from "node:path";
import { Client } from "../arraylake/client.ts";
import type { CliIO } from "./command.ts";

/** Local repos under `$FLOE_STATE_DIR/arraylake` (default `<cwd>/state/arraylake`); ARRAYLAKE_TOKEN selects remote. */
export function repoClientFromIO(io: CliIO): Client {
  const stateDir = resolve(io.cwd, io.env.FLOE_STATE_DIR || "state");
  return new Client({
    token: io.env.ARRAYLAKE_TOKEN || undefined,
    localReposDir: join(stateDir, "arraylake"),
    cwd: io.cwd,
    env: io.env,
  });
}
