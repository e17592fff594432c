/** @module How `floe repo` gets its Arraylake client: the resolved arraylake.config.ts and environment. */
import type { Client } from "../arraylake/client.ts";
import { clientFromConfig } from "../arraylake/config.ts";
import { loadConfig } from "../config/index.ts";
import type { CliIO } from "./command.ts";

/** Local repos under `<stateDir>/arraylake` (or `arraylake.localReposDir`); a token selects the service. */
export async function repoClientFromIO(io: CliIO): Promise<Client> {
  return clientFromConfig(await loadConfig(io.cwd, io.env));
}
