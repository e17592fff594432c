/** @module The clock every time-dependent part takes, so tests can drive time by hand. */

export interface Clock {
  now(): number;
  /** Resolves after `ms` of this clock's time, or rejects with the signal's reason. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** A clock that only moves when told: `advance(ms)` wakes every sleeper whose time has come, in order. */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>;
  set(ms: number): Promise<void>;
  /** Number of pending sleeps (lets tests wait until code under test is asleep). */
  readonly sleepers: number;
}

export function createManualClock(startMs = 0): ManualClock {
  let current = startMs;
  const sleepers: { at: number; resolve: () => void }[] = [];
  const wakeDue = async (): Promise<void> => {
    sleepers.sort((a, b) => a.at - b.at);
    while (sleepers.length > 0 && sleepers[0]!.at <= current) {
      sleepers.shift()!.resolve();
      // let the woken code run (and maybe sleep again) before waking the next
      await new Promise<void>((r) => setImmediate(r));
      sleepers.sort((a, b) => a.at - b.at);
    }
  };
  return {
    now: () => current,
    get sleepers() {
      return sleepers.length;
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const entry = { at: current + Math.max(0, ms), resolve: () => resolve() };
        sleepers.push(entry);
        signal?.addEventListener(
          "abort",
          () => {
            const i = sleepers.indexOf(entry);
            if (i >= 0) sleepers.splice(i, 1);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    },
    async advance(ms) {
      current += ms;
      await wakeDue();
    },
    async set(ms) {
      current = ms;
      await wakeDue();
    },
  };
}
