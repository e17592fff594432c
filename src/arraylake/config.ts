/** @module A Client configured from the resolved `arraylake.config.ts` and environment. */
import type { ResolvedConfig } from "../config/resolve.ts";
import { Client } from "./client.ts";
import type { LineageObserver } from "./lineage.ts";

/**
 * @example
 * const client = clientFromConfig(resolveConfig(input, rootDir), { onCommit: record });
 */
export function clientFromConfig(resolved: ResolvedConfig, observer?: LineageObserver): Client {
  return new Client({
    token: resolved.arraylake.token,
    serviceUri: resolved.arraylake.serviceUri,
    localReposDir: resolved.arraylake.localReposDir,
    cwd: resolved.rootDir,
    ...(observer ? { observer } : {}),
  });
}
