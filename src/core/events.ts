/**
 * @module The typed event map (`noun:verb`). The engine emits these; the store records them; the daemon relays
 * them from run processes over IPC; the API streams them. One vocabulary for logs, state and test waits.
 */
import type { ErrorInfo } from "./errors.ts";
import type { RunState, TaskState } from "./states.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export interface RunTransitionEvent {
  runId: string;
  from: RunState;
  to: RunState;
  at: number;
  reason?: string | undefined;
  error?: ErrorInfo | undefined;
}

export interface TaskTransitionEvent {
  runId: string;
  /** Task key: the task name, or `name[i]` for item i of a mapped task. */
  task: string;
  from: TaskState;
  to: TaskState;
  at: number;
  attempt: number;
  reason?: string | undefined;
  error?: ErrorInfo | undefined;
  /** JSON text of the result, on Completed/Cached when the result is JSON-serialisable. */
  resultJson?: string | undefined;
  cacheKey?: string | undefined;
  /** When the next attempt starts, on AwaitingRetry. */
  retryAt?: number | undefined;
}

/** A task row coming into existence (mapped items appear once their upstream list is known). */
export interface TaskCreateEvent {
  runId: string;
  task: string;
  /** For a mapped item, the name of the mapped task; else the task name itself. */
  parent: string;
  mapIndex: number | null;
  at: number;
}

export interface LogEvent {
  runId: string;
  task?: string | undefined;
  attempt?: number | undefined;
  level: LogLevel;
  message: string;
  at: number;
}

export interface SnapshotReadEvent {
  runId: string;
  task?: string | undefined;
  repo: string;
  branch?: string | undefined;
  tag?: string | undefined;
  snapshotId: string;
  at: number;
}

export interface CommitEvent {
  runId: string;
  task?: string | undefined;
  repo: string;
  branch: string;
  snapshotId: string;
  parentSnapshotId?: string | undefined;
  message: string;
  at: number;
}

/** The params a run resolved itself (a schedule's `params(slot)` function runs in the run process). */
export interface RunParamsEvent {
  runId: string;
  params: unknown;
  at: number;
}

export type ArtifactKind = "markdown" | "table" | "image" | "link";

/** A result a task attached for people (`ctx.artifact.*`), numbered in the order the run attached them. */
export interface ArtifactEvent {
  runId: string;
  task: string;
  /** 1, 2, ... within the run: the order the run page shows them in. */
  seq: number;
  kind: ArtifactKind;
  title?: string | undefined;
  /** Markdown text, table rows as JSON, `{ url, label }` as JSON, or an image's alternative text. */
  text: string;
  /** Image bytes (PNG or SVG). */
  content?: Uint8Array | undefined;
  /** `image/png` or `image/svg+xml` for images. */
  mime?: string | undefined;
  at: number;
}

/** Everything a run reports while it executes, in the order it happened. */
export interface RunEventMap {
  "run:transition": RunTransitionEvent;
  "run:params": RunParamsEvent;
  "task:create": TaskCreateEvent;
  "task:transition": TaskTransitionEvent;
  "log:line": LogEvent;
  "snapshot:read": SnapshotReadEvent;
  "snapshot:commit": CommitEvent;
  "artifact:add": ArtifactEvent;
}
export type RunEventName = keyof RunEventMap;
export type RunEvent = { [K in RunEventName]: { type: K } & RunEventMap[K] }[RunEventName];

/** Where an executing run sends its events: the store (in-process) or the daemon (over IPC). */
export interface RunEventSink {
  emit(event: RunEvent): void;
  /** Resolves once everything emitted so far is durable. */
  flush(): Promise<void>;
}
