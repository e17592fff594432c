/** @module What a task function receives: its input (params, upstream results, item) and its context. */
import type { LogLevel } from "../core/events.ts";

export interface TaskLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  log(level: LogLevel, message: string): void;
}

/**
 * The run-time context of one task attempt. `arraylake` is the configured Arraylake client whose reads and
 * commits are recorded against this run and task (typed loosely here so the DSL does not depend on it).
 */
export interface TaskContext {
  runId: string;
  pipeline: string;
  task: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted on timeout or cancellation; pass it to fetch, streams and long loops. */
  signal: AbortSignal;
  log: TaskLogger;
  /** The Arraylake client for this task (floe/arraylake `Client`), recording lineage. */
  arraylake: unknown;
}

export interface TaskInput<P, U> {
  params: P;
  /** Results of the tasks named in `needs` (and `over` for mapped tasks), by name. */
  upstream: U;
}

export interface MapTaskInput<P, U, Item> extends TaskInput<P, U> {
  item: Item;
  index: number;
}

export type TaskFn<P, U, O> = (input: TaskInput<P, U>, ctx: TaskContext) => O | Promise<O>;
export type MapTaskFn<P, U, Item, O> = (input: MapTaskInput<P, U, Item>, ctx: TaskContext) => O | Promise<O>;
