/**
 * @module Letting a process exit. In the WebAssembly build, every custom storage holds thread-safe callbacks
 * that keep Node's event loop alive until the storage is garbage-collected; an idle CLI or test process
 * could wait seconds for that. After dropping its references, a client asks for one collection here.
 * Pitfall: a long-lived closure (e.g. a test's `t.after(() => ...)` written inside the test body) keeps the
 * whole enclosing scope, sessions included, reachable; register such hooks from a helper function instead.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

/** Schedules a full GC on the next turn (after the caller's references are gone). */
export function releaseUnreachableHandles(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    }
  }
  const collect = gc;
  setImmediate(() => collect());
  // Callers' frames may still hold references on the next turn; retry a few times without keeping the process up.
  for (const ms of [50, 250, 1000, 3000]) setTimeout(() => collect(), ms).unref();
}
