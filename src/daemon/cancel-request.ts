/**
 * @module Cancelling a run that no process of this node executes: queued here, held by another node, or asked
 * from the CLI on a machine with no daemon (`floe cancel` through the database). A run nobody started ends
 * Cancelled at once (whoever waits for it is told); a running one becomes Cancelling, and the node holding it is
 * told (NOTIFY on PostgreSQL) to stop its process. One implementation for the daemon and the CLI.
 * @example
 * await cancelNotHere({ store, node: "cli", emit: (es) => applyRunEvents(store, [...es]).then(() => undefined), now: Date.now, shared: true }, run, "cancelled");
 */
import type { ErrorInfo } from "../core/errors.ts";
import type { RunEvent } from "../core/events.ts";
import { isTerminalRunState, type RunState } from "../core/states.ts";
import { announceCancel, announceRunEnd, getRun, type RunRecord, type Store } from "../store/index.ts";
import { endRunEvents, type EndState } from "./finalize.ts";

export interface CancelDeps {
  store: Store;
  /** Who ends the run, named in the run-end notification (a node id, or the CLI). */
  node: string;
  /** Writes events and resolves once they are in the store (the daemon's sink and bus; the CLI applies them). */
  emit(events: readonly RunEvent[]): Promise<void>;
  now(): number;
  /** Whether runs live in a database shared with other nodes (PostgreSQL). */
  shared: boolean;
  /** Told when the run ended here. */
  onEnd?(run: RunRecord, state: RunState): void;
}

/** Ends `run` in `to` (its unfinished tasks too); nothing when it has ended already. */
export async function endRun(deps: Pick<CancelDeps, "store" | "emit" | "now">, run: RunRecord, to: EndState, reason: string, error?: ErrorInfo): Promise<void> {
  const detail = await getRun(deps.store, run.id);
  if (detail) await deps.emit(endRunEvents(detail, to, reason, deps.now(), error));
}

/** Cancels a run no process of this node executes (see the module). */
export async function cancelNotHere(deps: CancelDeps, run: RunRecord, reason: string): Promise<void> {
  if (run.state === "Pending" || run.state === "Scheduled" || !deps.shared) {
    // never started (or, on SQLite, no process of this daemon): it ends here, and whoever waits for it is told
    await endRun(deps, run, "Cancelled", reason);
    const now = await getRun(deps.store, run.id);
    if (now?.state === "Cancelled") {
      await announceCancel(deps.store); // a worker that claimed it meanwhile stops its process
      await announceRunEnd(deps.store, run.id, deps.node); // a parent's node, onRunEnd triggers hear at once
      deps.onEnd?.(run, "Cancelled");
      return;
    }
    if (!now || isTerminalRunState(now.state)) return;
    run = now; // a worker started it meanwhile
  }
  if (run.state === "Running") await deps.emit([{ type: "run:transition", runId: run.id, from: "Running", to: "Cancelling", at: deps.now(), reason }]);
  await announceCancel(deps.store);
}
