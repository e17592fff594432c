/**
 * @module `npm run bench [-- <name> [args...]]`: runs every benchmark in bench/*.bench.ts, or the named one.
 * Each benchmark module default-exports `(args: string[]) => Promise<void>` and prints JSON lines via emit().
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

import { withHugePages } from "../src/core/huge-pages.ts";

// Benchmarks run with the environment floe gives its run processes (large buffers on huge pages): once, re-exec.
const env = withHugePages(process.env);
if (env !== process.env) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit", env });
  process.exit(child.status ?? 1);
}

const here = fileURLToPath(new URL(".", import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name && !available.includes(name)) {
  process.stderr.write(`unknown benchmark "${name}"; available: ${available.join(", ")}\n`);
  process.exit(2);
}
for (const bench of name ? [name] : available) {
  const mod = (await import(pathToFileURL(join(here, `${bench}.bench.ts`)).href)) as {
    default: (args: string[]) => Promise<void>;
  };
  await mod.default(name ? args : []);
}
