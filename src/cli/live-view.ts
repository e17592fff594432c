/**
 * @module The live view of a run on the command line: on a terminal, the task table redrawn in place (at most
 * ten times a second); otherwise one line per task state change, which reads well in CI logs.
 */
import type { RunEvent } from "../core/events.ts";
import type { CliIO } from "./command.ts";
import { treeOrder } from "./format-run.ts";

// Engine reasons worth a word on the command line; the rest say themselves.
const REASONS: Record<string, string> = {
  "result-not-persisted": "result kept in memory only (not JSON)",
  "previous-run": "reused from the earlier run",
  cache: "reused from the cache",
};
export const describeReason = (reason: string): string => REASONS[reason] ?? reason;

export interface TaskChange {
  task: string;
  state: string;
  attempt: number;
  at: number;
  /** Error message or retry note, shown on the line. */
  note?: string | undefined;
}

export interface LiveView {
  onTaskChange(change: TaskChange): void;
  /** Adapter for in-process runs. */
  onEvent(event: RunEvent): void;
  finish(): void;
}

export function createLiveView(io: CliIO, taskNames: readonly string[]): LiveView {
  const rows = new Map<string, { state: string; attempt: number }>(taskNames.map((n) => [n, { state: "Pending", attempt: 0 }]));
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;

  const draw = (): void => {
    timer = undefined;
    const lines = treeOrder([...rows], ([name]) => name).map(([name, r]) => `  ${name.padEnd(24)} ${r.state.padEnd(13)}${r.attempt > 1 ? ` attempt ${r.attempt}` : ""}`);
    const up = drawn > 0 ? `\x1b[${drawn}A` : "";
    io.stdout(`${up}${lines.map((l) => `\x1b[2K${l}`).join("\n")}\n`);
    drawn = lines.length;
  };

  const view: LiveView = {
    onTaskChange(change) {
      rows.set(change.task, { state: change.state, attempt: change.attempt });
      if (io.isTTY) {
        timer ??= setTimeout(draw, 100);
      } else {
        const note = change.note ? `: ${describeReason(change.note)}` : "";
        io.stdout(`${new Date(change.at).toISOString()}  ${change.task.padEnd(24)} ${change.state}${note}\n`);
      }
    },
    onEvent(event) {
      if (event.type === "task:create" && !rows.has(event.task)) rows.set(event.task, { state: "Pending", attempt: 0 });
      if (event.type !== "task:transition") return;
      const retry = event.to === "AwaitingRetry" && event.retryAt ? `retry in ${Math.max(0, event.retryAt - event.at)} ms` : undefined;
      const note = event.error ? event.error.message.split("\n")[0] : retry;
      view.onTaskChange({ task: event.task, state: event.to, attempt: event.attempt, at: event.at, note });
    },
    finish() {
      if (timer !== undefined) clearTimeout(timer);
      if (io.isTTY) draw();
    },
  };
  return view;
}
