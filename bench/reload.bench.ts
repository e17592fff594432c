/**
 * @module `npm run bench -- reload`: file saved -> new version active in a real daemon (in this process, so the
 * registry can be watched directly; the load itself runs in the daemon's warm loader process as always).
 * Two cadences: saves 1 s apart (someone editing; the warm loader processes are booted by the next save) and a
 * burst (20 ms after each activation; each load needs a freshly booted loader process, ~0.4 s of CPU on this
 * machine, so a burst measures boot throughput). Args: [edits=50]. Target: p50 <= 250 ms.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDaemon } from "../src/daemon/create-daemon.ts";
import { createLogger } from "../src/daemon/logger.ts";
import { emit, percentile, round } from "./emit.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));

const source = (i: number): string =>
  `import { pipeline } from "floe";\nexport default pipeline({ name: "edited" })\n  .task("a", () => ${i})\n  .task("b", { needs: ["a"] }, ({ upstream }) => upstream.a + 1);\n`;

export default async function reloadBench(args: string[]): Promise<void> {
  const edits = Number(args[0] ?? 50);
  mkdirSync(join(repo, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(repo, ".tmp", "bench-reload-"));
  mkdirSync(join(dir, "pipelines"));
  writeFileSync(join(dir, "arraylake.config.ts"), `import { defineConfig } from "floe/config";\nexport default defineConfig({});\n`);
  const file = join(dir, "pipelines", "edited.ts");
  writeFileSync(file, source(0));
  const daemon = await createDaemon({ cwd: dir, env: { ...process.env, FLOE_PORT: "0", FLOE_STATE_DIR: "" }, log: createLogger("json", () => {}) });
  let i = 0;
  const measure = async (mode: string, gapMs: number): Promise<void> => {
    const times: number[] = [];
    for (let n = 0; n < edits; n++) {
      i++;
      const before = daemon.registry.get("edited")?.active?.version;
      const t0 = performance.now();
      writeFileSync(file, source(i));
      for (;;) {
        const now = daemon.registry.get("edited")?.active?.version;
        if (now !== undefined && now !== before) break;
        if (performance.now() - t0 > 10_000) throw new Error(`edit ${i} was not picked up within 10 s`);
        await new Promise((r) => setTimeout(r, 1));
      }
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, gapMs));
    }
    emit("reload", {
      mode, edits, gap_ms: gapMs, p50_ms: round(percentile(times, 50)), p95_ms: round(percentile(times, 95)), max_ms: round(Math.max(...times)),
      debounce_ms: 50, target_p50_ms: 250,
    });
  };
  try {
    await new Promise((r) => setTimeout(r, 1_000));
    await measure("saves-1s-apart", 1_000);
    await measure("burst", 20);
  } finally {
    await daemon.stop("bench done");
    rmSync(dir, { recursive: true, force: true });
  }
}
