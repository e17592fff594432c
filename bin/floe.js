#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
// (Icechunk's WASM build warns on every load that WASI is experimental.)
// The floe CLI: TypeScript sources run through tsx, no build step.
import { register } from "tsx/esm/api";

register();
const { redact } = await import("../src/core/redact.ts");
// Whatever pipeline code prints in this process (at import, in local runs) reaches the terminal redacted.
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => write(typeof chunk === "string" ? redact(chunk) : chunk, ...rest);
}
const { main } = await import("../src/cli/main.ts");
const code = await main(process.argv.slice(2));
// Worker pools and WASM handles may keep the event loop alive; a finished command exits once its output is out.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
