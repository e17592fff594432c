/** @module The in-process {@link PoolGate}: one FIFO semaphore per named pool, from a limits map. */
import { Deque } from "./deque.ts";
import type { PoolGate, Release } from "./types.ts";

interface Semaphore {
  free: number;
  waiters: Deque<{ grant: (release: Release) => void; signal: AbortSignal }>;
}

/**
 * Pools not named in `limits` are unlimited (unknown pool names are the validator's concern).
 * @example
 * const pools = createPoolGate({ gpu: 1 });
 * const release = await pools.acquire("gpu", signal); try { ... } finally { release(); }
 */
export function createPoolGate(limits: Readonly<Record<string, number>>): PoolGate {
  const pools = new Map<string, Semaphore>();
  const semaphore = (pool: string): Semaphore | undefined => {
    const limit = limits[pool];
    if (limit === undefined) return undefined;
    let s = pools.get(pool);
    if (!s) pools.set(pool, (s = { free: limit, waiters: new Deque() }));
    return s;
  };
  const releaser = (s: Semaphore): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // hand the slot straight to the next live waiter
      for (let w = s.waiters.shift(); w; w = s.waiters.shift()) {
        if (!w.signal.aborted) return w.grant(releaser(s));
      }
      s.free++;
    };
  };
  return {
    acquire(pool, signal) {
      const s = semaphore(pool);
      if (!s) return Promise.resolve(() => {});
      if (signal.aborted) return Promise.reject(signal.reason);
      if (s.free > 0) {
        s.free--;
        return Promise.resolve(releaser(s));
      }
      return new Promise<Release>((resolve, reject) => {
        const onAbort = (): void => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        s.waiters.push({
          signal,
          grant: (release) => {
            signal.removeEventListener("abort", onAbort);
            resolve(release);
          },
        });
      });
    },
  };
}
