/**
 * @module The run process's {@link RunEventSink}: events are batched per tick into one IPC message; `flush`
 * resolves once the daemon acknowledges that everything sent so far is written to its database.
 */
import type { RunEvent, RunEventSink } from "../core/events.ts";

export interface IpcSink extends RunEventSink {
  /** Called with the daemon's acknowledgement of batch `seq`. */
  acked(seq: number): void;
}

export function createIpcSink(send: (message: { type: "events"; seq: number; events: RunEvent[] }) => void): IpcSink {
  let buffer: RunEvent[] = [];
  let tick: NodeJS.Immediate | undefined;
  let sent = 0;
  let acked = 0;
  const waiters: { seq: number; resolve: () => void }[] = [];
  const write = (): void => {
    if (tick !== undefined) clearImmediate(tick);
    tick = undefined;
    if (buffer.length === 0) return;
    const events = buffer;
    buffer = [];
    send({ type: "events", seq: ++sent, events });
  };
  return {
    emit(event) {
      buffer.push(event);
      if (buffer.length >= 500) write();
      else tick ??= setImmediate(write);
    },
    flush() {
      write();
      if (acked >= sent) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ seq: sent, resolve }));
    },
    acked(seq) {
      acked = Math.max(acked, seq);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i]!.seq <= acked) waiters.splice(i, 1)[0]!.resolve();
      }
    },
  };
}
