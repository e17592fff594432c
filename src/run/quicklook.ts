/**
 * @module `ctx.artifact.quicklook` for a run: the browse module's renderer over a client of its own (no lineage
 * observer: drawing an image for people is not a read the run depends on). Loaded on first use; each call opens
 * and releases its own handles, so an in-process run (floe/testing) leaves nothing that keeps the process alive.
 */
import type { QuickLookFn } from "../engine/types.ts";
import type { ArraylakeSettings } from "./arraylake.ts";

export function runQuicklook(settings: ArraylakeSettings): QuickLookFn {
  return async (request) => {
    const [{ Client }, { createRepoBrowser }] = await Promise.all([import("../arraylake/client.ts"), import("../browse/index.ts")]);
    const client = new Client({
      ...(settings.token !== undefined ? { token: settings.token ?? undefined } : {}),
      serviceUri: settings.serviceUri, localReposDir: settings.localReposDir, cwd: settings.cwd,
    });
    // Artifacts are small (1 MiB each): maps at most 1,024 pixels on their longest side, no cache.
    const browser = createRepoBrowser({ client, maxSide: 1024, cacheBytes: 0 });
    try {
      return await browser.quicklook(request);
    } finally {
      await browser.close();
      client.close();
    }
  };
}
