/**
 * @module `npm run bench -- soak`: the daemon's (this process's) RSS after N reloads and N runs, against after the
 * first 10 of each (both measured after a full GC). Target: growth < 20%. Each run needs a fresh process and each
 * reload a fresh loader process, so on 2 cores 1,000 of each takes ~15 minutes: the default is 200; pass
 * [count] to go further (e.g. `npm run bench -- soak 1000`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createDaemon } from "../src/daemon/create-daemon.ts";
import { createLogger } from "../src/daemon/logger.ts";
import { emit, round } from "./emit.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const BATCH = 10;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const rssMb = (): number => {
  gc();
  gc();
  return round(process.memoryUsage().rss / 1024 / 1024, 1);
};

const edited = (i: number): string =>
  `import { pipeline } from "floe";\nexport default pipeline({ name: "edited" }).task("a", () => ${i});\n`;

export default async function soakBench(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 200);
  mkdirSync(join(repo, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(repo, ".tmp", "bench-soak-"));
  mkdirSync(join(dir, "pipelines"));
  writeFileSync(join(dir, "arraylake.config.ts"), `import { defineConfig } from "floe/config";\nexport default defineConfig({});\n`);
  writeFileSync(join(dir, "pipelines", "edited.ts"), edited(0));
  writeFileSync(
    join(dir, "pipelines", "work.ts"),
    `import { pipeline } from "floe";\nexport default pipeline({ name: "work" })\n  .task("a", (_i, ctx) => { ctx.log.info("working"); return [1, 2, 3]; })\n  .map("b", { over: "a" }, ({ item }) => item * 2);\n`,
  );
  const daemon = await createDaemon({ cwd: dir, env: { ...process.env, FLOE_PORT: "0", FLOE_STATE_DIR: "" }, log: createLogger("json", () => {}) });
  const started = performance.now();
  let early = 0;
  let reloads = 0;
  let runs = 0;
  try {
    while (reloads < count || runs < count) {
      const ended: Promise<void>[] = [];
      for (let i = 0; i < BATCH && runs < count; i++, runs++) {
        const res = await fetch(`${daemon.url}/api/pipelines/work/runs`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
        const run = (await res.json()) as { id: string };
        ended.push(new Promise<void>((resolve) => {
          const off = daemon.bus.subscribe((e) => {
            if (e.type === "run:transition" && ["Completed", "Failed", "Crashed"].includes(e.to)) {
              off();
              resolve();
            }
          }, run.id);
        }));
      }
      for (let i = 0; i < BATCH && reloads < count; i++, reloads++) {
        const before = daemon.registry.get("edited")?.active?.version;
        writeFileSync(join(dir, "pipelines", "edited.ts"), edited(reloads + 1));
        while (daemon.registry.get("edited")?.active?.version === before) await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(ended);
      if (early === 0) early = rssMb();
    }
    const end = rssMb();
    emit("soak", {
      reloads, runs, rss_after_10_mb: early, rss_after_all_mb: end, growth_pct: round(((end - early) / early) * 100, 1),
      target_growth_pct: 20, seconds: round((performance.now() - started) / 1000, 1),
    });
  } finally {
    await daemon.stop("bench done");
    rmSync(dir, { recursive: true, force: true });
  }
}
