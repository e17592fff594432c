/**
 * @module The browse process entry (forked by the daemon with `--import tsx`): Icechunk, the data layer and the
 * quick-look cache live here, never in the daemon's heap. It answers calls until its daemon goes away.
 */
import { Client } from "../arraylake/index.ts";
import { createRepoBrowser } from "./browser.ts";
import type { FromBrowse, ToBrowse } from "./protocol.ts";
import type { RepoBrowser } from "./types.ts";

const send = (m: FromBrowse): void => {
  if (process.connected) process.send!(m);
};

process.on("disconnect", () => process.exit(0));

let browser: RepoBrowser | undefined;

process.on("message", (m: ToBrowse) => {
  if (m.type === "init") {
    // The token, when set, comes through the environment like for run processes.
    const client = new Client({ localReposDir: m.settings.localReposDir, serviceUri: m.settings.serviceUri, cwd: m.settings.cwd });
    browser = createRepoBrowser({ client });
    send({ type: "ready" });
    return;
  }
  if (m.type !== "call" || !browser) return;
  const method = browser[m.method] as (...args: unknown[]) => Promise<unknown>;
  method.apply(browser, m.args).then(
    (value) => send({ type: "result", id: m.id, ok: true, value }),
    (error: unknown) => {
      const tag = (error as { _tag?: unknown } | null)?._tag;
      send({ type: "result", id: m.id, ok: false, tag: typeof tag === "string" ? tag : "Error", message: error instanceof Error ? error.message : String(error) });
    },
  );
});
