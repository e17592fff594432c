/**
 * @module The loader process: started warm (tsx and floe already imported), it serves exactly one request and
 * exits, so every load sees fresh code and nothing accumulates. Protocol: parent -> {files, configFile?};
 * child -> {type: "ready"} then {type: "result", result, config?} or {type: "error", message}.
 */
import { importConfig } from "../config/load.ts";
import { inspectFiles } from "./inspect.ts";
import type { ConfigLoad, LoadRequest, LoaderMessage } from "./protocol.ts";

const send = (message: LoaderMessage): Promise<void> =>
  new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));

process.once("message", async (request: LoadRequest) => {
  try {
    let config: ConfigLoad | undefined;
    if (request.configFile) {
      try {
        config = { ok: true, value: await importConfig(request.configFile, process.env) };
      } catch (error) {
        config = { ok: false, diagnostics: (error as { diagnostics?: [] }).diagnostics ?? [], message: String(error) };
      }
    }
    const result = await inspectFiles(request.files);
    await send({ type: "result", result, ...(config ? { config } : {}) });
  } catch (error) {
    await send({ type: "error", message: (error as Error)?.stack ?? String(error) });
  }
  process.exit(0);
});
void send({ type: "ready" });
