/**
 * @module The run process's {@link PoolGate}: named pools are shared by every run, so a task asks the daemon,
 * which holds the slot as a lease in its database. A crashed run's leases are freed by the daemon.
 */
import type { PoolGate, Release } from "../engine/types.ts";
import type { RunToDaemon } from "./protocol.ts";

export interface IpcPoolGate extends PoolGate {
  granted(id: number): void;
  denied(id: number, message: string): void;
}

export function createIpcPoolGate(send: (message: RunToDaemon) => void): IpcPoolGate {
  let nextId = 0;
  const pending = new Map<number, { resolve: (release: Release) => void; reject: (error: unknown) => void }>();
  const releaser = (id: number): Release => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      send({ type: "release", id });
    };
  };
  return {
    acquire(pool, signal) {
      if (signal.aborted) return Promise.reject(signal.reason);
      const id = ++nextId;
      return new Promise<Release>((resolve, reject) => {
        const onAbort = (): void => {
          pending.delete(id);
          send({ type: "abandon", id });
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        pending.set(id, {
          resolve: (release) => {
            signal.removeEventListener("abort", onAbort);
            resolve(release);
          },
          reject: (error) => {
            signal.removeEventListener("abort", onAbort);
            reject(error);
          },
        });
        send({ type: "acquire", id, pool });
      });
    },
    granted(id) {
      const waiter = pending.get(id);
      pending.delete(id);
      // granted after we gave up (abort raced the grant): hand the slot straight back
      if (waiter) waiter.resolve(releaser(id));
      else send({ type: "release", id });
    },
    denied(id, message) {
      const waiter = pending.get(id);
      pending.delete(id);
      waiter?.reject(new Error(message));
    },
  };
}
