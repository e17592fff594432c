/**
 * @module Getting a ready task onto a slot: its mapped task's item gate, then its named pool, then a run slot.
 * `pump` is the one loop that prepares ready tasks and starts queued ones; it is not re-entrant, so tasks that
 * finish synchronously feed the same loop instead of recursing, and it yields to the event loop now and then.
 */
import { Deque } from "./deque.ts";
import { startAttempt } from "./attempt.ts";
import type { RunContext } from "./run-context.ts";
import type { TaskRun } from "./task-run.ts";

/** Steps (prepare or start) between yields to the event loop, so timers, I/O and cancellation get a turn. */
const STEPS_PER_TURN = 2000;

const noop = (): void => {};

/** A task whose upstream tasks all succeeded. */
export function markReady(run: RunContext, t: TaskRun): void {
  run.ready.push(t);
  pump(run);
}

/** A prepared task (or one due for a retry) asks for its slots. */
export function enqueue(run: RunContext, t: TaskRun): void {
  const parent = t.parent;
  if (parent !== undefined && !t.itemSlot) {
    if (parent.itemsRunning >= (parent.spec.concurrency ?? Infinity)) {
      (parent.itemQueue ??= new Deque()).push(t);
      return;
    }
    parent.itemsRunning++;
    t.itemSlot = true;
  }
  toPool(run, t);
}

/** A mapped item reached a terminal state: its slot goes to the next waiting item. */
export function releaseItemSlot(run: RunContext, item: TaskRun): void {
  const parent = item.parent;
  if (parent === undefined || !item.itemSlot) return;
  item.itemSlot = false;
  parent.itemsRunning--;
  const next = parent.itemQueue?.shift();
  if (next !== undefined) enqueue(run, next);
}

function toPool(run: RunContext, t: TaskRun): void {
  const pool = t.spec.pool;
  if (pool === undefined || run.pools === undefined) {
    run.queue.push(t);
    return pump(run);
  }
  run.pools.acquire(pool, run.abort.signal).then((release) => {
    if (run.stopping !== undefined) return release();
    t.poolRelease = release;
    run.queue.push(t);
    pump(run);
  }, noop);
}

export function pump(run: RunContext): void {
  if (run.pumping || run.stopping !== undefined) return;
  run.pumping = true;
  try {
    for (let steps = 0; ; steps++) {
      if (steps === STEPS_PER_TURN) {
        setImmediate(() => pump(run));
        break;
      }
      const ready = run.ready.shift();
      if (ready !== undefined) {
        run.prepare(ready);
      } else if (run.running < run.concurrency && run.queue.length > 0) {
        run.running++;
        startAttempt(run, run.queue.shift()!);
      } else break;
      if (run.stopping !== undefined) break;
    }
  } catch (error) {
    run.crash(error);
  } finally {
    run.pumping = false;
  }
}
