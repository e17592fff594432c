/**
 * @module `ctx.arraylake` for a run: one Client per task whose lineage observer reports every snapshot the task
 * reads and every commit it makes as run events, so the store records them against the run and task.
 */
import { Client } from "../arraylake/index.ts";
import type { Clock } from "../core/clock.ts";
import type { RunEventSink } from "../core/events.ts";

/** Everything but the token, which reaches run processes through their environment only. */
export interface ArraylakeSettings {
  localReposDir: string;
  serviceUri: string;
  cwd: string;
  /** Only for in-process runs whose config file holds a token; run processes read ARRAYLAKE_TOKEN. */
  token?: string | undefined;
}

export function lineageClients(
  settings: ArraylakeSettings,
  sink: RunEventSink,
  clock: Clock,
): (task: string, runId: string) => Client {
  return (task, runId) =>
    new Client({
      ...(settings.token !== undefined ? { token: settings.token } : {}),
      serviceUri: settings.serviceUri,
      localReposDir: settings.localReposDir,
      cwd: settings.cwd,
      observer: {
        onRead: (e) => sink.emit({ type: "snapshot:read", runId, task, ...e, at: clock.now() }),
        onCommit: (e) => sink.emit({ type: "snapshot:commit", runId, task, ...e, at: clock.now() }),
      },
    });
}
