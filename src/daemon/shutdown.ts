/**
 * @module Graceful shutdown: stop firing schedules, stop starting queued runs (they stay Pending for the next
 * start), give running runs the grace period, then cancel what is left (SIGKILL after the kill grace). Every run
 * that had a process ends in a terminal state before the daemon exits.
 */
import type { DaemonLogger } from "./logger.ts";
import type { RunManager } from "./run-manager.ts";
import type { ScheduleWiring } from "./schedules.ts";
import type { Supervisor } from "./supervisor.ts";

const until = async (done: () => boolean, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return done();
};

export async function shutdown(d: {
  schedules?: ScheduleWiring | undefined; runs: RunManager; supervisor?: Supervisor | undefined; graceMs: number; killGraceMs: number; log: DaemonLogger;
}): Promise<void> {
  await d.schedules?.stop();
  d.runs.hold();
  const idle = (): boolean => d.runs.active().length === 0;
  if (!idle()) {
    d.log.info("daemon:stop", `waiting up to ${d.graceMs} ms for ${d.runs.active().length} running run(s)`);
    if (await until(idle, d.graceMs)) return;
  }
  for (const run of d.runs.active()) {
    try {
      await d.runs.cancel(run.id, "the daemon is shutting down");
    } catch {
      // ended meanwhile
    }
  }
  if (await until(idle, d.killGraceMs + 1_000)) return;
  await d.supervisor?.close(); // SIGKILL the rest; their exits end the runs as Cancelled
  await until(idle, 2_000);
}
