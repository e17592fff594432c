/**
 * @module Letting a process exit. In the WebAssembly build, every custom storage holds thread-safe callbacks
 * that keep Node's event loop alive until the storage is garbage-collected; an idle CLI or test process
 * could wait seconds for that. After dropping its references, a client asks for one collection here.
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
}
