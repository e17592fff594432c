/** @module Live run events inside the daemon (SSE, metrics, test and bench waits): of one run, or of all runs. */
import type { RunEvent } from "../core/events.ts";

export interface EventBus {
  publish(event: RunEvent): void;
  subscribe(listener: (event: RunEvent) => void, runId?: string): () => void;
}

export function createEventBus(onListenerError: (error: unknown) => void): EventBus {
  const all = new Set<(event: RunEvent) => void>();
  const byRun = new Map<string, Set<(event: RunEvent) => void>>();
  const call = (listener: (event: RunEvent) => void, event: RunEvent): void => {
    try {
      listener(event);
    } catch (error) {
      onListenerError(error); // a listener never breaks the flow of events
    }
  };
  return {
    publish(event) {
      for (const l of all) call(l, event);
      const set = byRun.get(event.runId);
      if (set) for (const l of set) call(l, event);
    },
    subscribe(listener, runId) {
      if (runId === undefined) {
        all.add(listener);
        return () => void all.delete(listener);
      }
      let set = byRun.get(runId);
      if (!set) byRun.set(runId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) byRun.delete(runId);
      };
    },
  };
}
