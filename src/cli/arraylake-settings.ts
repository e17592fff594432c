/** @module Where runs started from the CLI find Arraylake repositories: the resolved config. */
import type { ResolvedConfig } from "../config/index.ts";
import type { ArraylakeSettings } from "../run/index.ts";

export function arraylakeSettings(config: ResolvedConfig): ArraylakeSettings {
  return {
    localReposDir: config.arraylake.localReposDir,
    serviceUri: config.arraylake.serviceUri,
    cwd: config.rootDir,
    token: config.arraylake.token,
  };
}
