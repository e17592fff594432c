/**
 * @module The live view of a run on the command line: on a terminal, the task table redrawn in place (at most
 * ten times a second); otherwise one line per task state change, which reads well in CI logs.
 */
import type { RunEvent } from "../core/events.ts";
import type { CliIO } from "./command.ts";

interface Row {
  state: string;
  attempt: number;
  since: number;
}

export function createLiveView(io: CliIO, taskNames: readonly string[]) {
  const rows = new Map<string, Row>(taskNames.map((n) => [n, { state: "Pending", attempt: 0, since: Date.now() }]));
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;

  const draw = (): void => {
    timer = undefined;
    const lines = [...rows].map(([name, r]) => `  ${name.padEnd(24)} ${r.state.padEnd(13)}${r.attempt > 1 ? ` attempt ${r.attempt}` : ""}`);
    const up = drawn > 0 ? `\x1b[${drawn}A` : "";
    io.stdout(`${up}${lines.map((l) => `\x1b[2K${l}`).join("\n")}\n`);
    drawn = lines.length;
  };

  return {
    onEvent(event: RunEvent): void {
      if (event.type === "task:create" && !rows.has(event.task)) {
        rows.set(event.task, { state: "Pending", attempt: 0, since: event.at });
      } else if (event.type === "task:transition") {
        rows.set(event.task, { state: event.to, attempt: event.attempt, since: event.at });
        if (!io.isTTY) {
          const retry = event.to === "AwaitingRetry" && event.retryAt ? ` (retry in ${Math.max(0, event.retryAt - event.at)} ms)` : "";
          const error = event.error ? `: ${event.error.message.split("\n")[0]}` : "";
          io.stdout(`${new Date(event.at).toISOString()}  ${event.task.padEnd(24)} ${event.to}${retry}${error}\n`);
        }
      } else {
        return;
      }
      if (io.isTTY && timer === undefined) timer = setTimeout(draw, 100);
    },
    finish(): void {
      if (timer !== undefined) clearTimeout(timer);
      if (io.isTTY) draw();
    },
  };
}
