/**
 * @module `npm run bench -- schedule`: an every-second schedule in a real daemon (in this process), over N fires:
 * slot time -> run recorded (run row created and cursor advanced: the `schedule:fire` log line), and slot time ->
 * first task Running (its event arriving in the daemon from the run process). Args: [fires=100].
 * Targets: recorded p99 <= 10 ms; first task running p99 <= 100 ms.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDaemon } from "../src/daemon/create-daemon.ts";
import { createLogger } from "../src/daemon/logger.ts";
import { getRun } from "../src/store/index.ts";
import { emit, percentile, round } from "./emit.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));

export default async function scheduleBench(args: string[]): Promise<void> {
  const fires = Number(args[0] ?? 100);
  mkdirSync(join(repo, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(repo, ".tmp", "bench-schedule-"));
  mkdirSync(join(dir, "pipelines"));
  writeFileSync(join(dir, "arraylake.config.ts"), `import { defineConfig } from "floe/config";\nexport default defineConfig({});\n`);
  writeFileSync(
    join(dir, "pipelines", "tick.ts"),
    `import { pipeline } from "floe";\nexport default pipeline({ name: "tick", schedules: [{ name: "every-second", cron: "* * * * * *", catchUp: "none", overlap: "allow" }] })\n  .task("t", () => Date.now());\n`,
  );
  const recorded: number[] = [];
  const wake: number[] = [];
  const firstTask: number[] = [];
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  const log = createLogger("json", (line) => {
    const at = Date.now();
    const entry = JSON.parse(line) as { event: string; slotAt?: number; lateMs?: number };
    if (entry.event === "schedule:fire" && entry.slotAt !== undefined && recorded.length < fires) {
      recorded.push(at - entry.slotAt);
      wake.push(entry.lateMs ?? Number.NaN);
    }
  });
  const daemon = await createDaemon({ cwd: dir, env: { ...process.env, FLOE_PORT: "0", FLOE_STATE_DIR: "" }, log });
  const seen = new Set<string>();
  daemon.bus.subscribe(async (event) => {
    if (event.type !== "task:transition" || event.to !== "Running" || seen.has(event.runId)) return;
    seen.add(event.runId);
    const slotAt = (await getRun(daemon.store, event.runId))?.slotAt;
    if (slotAt != null && firstTask.length < fires) firstTask.push(Date.now() - slotAt);
    if (firstTask.length >= fires && recorded.length >= fires) done();
  });
  try {
    await finished;
    emit("schedule", {
      fires,
      scheduler_wake_p50_ms: round(percentile(wake, 50)), scheduler_wake_p99_ms: round(percentile(wake, 99)),
      recorded_p50_ms: round(percentile(recorded, 50)), recorded_p99_ms: round(percentile(recorded, 99)),
      first_task_running_p50_ms: round(percentile(firstTask, 50)), first_task_running_p99_ms: round(percentile(firstTask, 99)),
      target_recorded_p99_ms: 10, target_first_task_p99_ms: 100,
    });
  } finally {
    await daemon.stop("bench done");
    rmSync(dir, { recursive: true, force: true });
  }
}
