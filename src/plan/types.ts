/** @module The plan: a pipeline spec resolved into a DAG, plain JSON data (the API and `floe plan` print it). */
import type { Diagnostic, SourceLocation } from "../core/errors.ts";

/** A task's retry policy in milliseconds, with every default filled in. */
export interface RetrySpec {
  /** Retries after the first attempt. */
  attempts: number;
  /** Delay before each retry; an array gives per-retry delays (the last repeats). */
  delayMs: number | number[];
  backoff?: { factor: number; maxMs?: number };
  /** Each delay is scaled by 1 ± jitter. */
  jitter?: number;
}

/** Cache policy: reuse a completed result with the same key, optionally only if younger than `expiresInMs`. */
export interface CacheSpec {
  key: "inputs";
  expiresInMs?: number;
}

export interface PlanTask {
  name: string;
  /** Upstream task names (including the mapped-over task), in spec order, without duplicates. */
  needs: string[];
  /** For a mapped task: the upstream task whose list result it runs over. */
  map?: string;
  /** 0 for tasks with no upstream; otherwise 1 + the highest level of its upstream tasks. */
  level: number;
  pool?: string;
  tags: string[];
  retry: RetrySpec;
  timeoutMs?: number;
  cache?: CacheSpec;
  /** For a mapped task: items at once. */
  concurrency?: number;
  /** How long each of the task's hooks may run (else the plan's, else 30 s). */
  hookTimeoutMs?: number;
  /** Executed as task jobs any worker node may claim (the task's `distribute`, else the pipeline's). */
  distribute?: true;
}

export interface PlanEdge {
  from: string;
  to: string;
}

export interface Plan {
  pipeline: string;
  /** Content hash over the pipeline's code (module + local imports) and its spec. */
  version: string;
  /** In definition order. */
  tasks: PlanTask[];
  edges: PlanEdge[];
  /** Task names by level; every task's upstream tasks are in earlier levels. */
  levels: string[][];
  concurrency?: number;
  timeoutMs?: number;
  /** How long each pipeline hook (and task hook without its own) may run; default 30 s. */
  hookTimeoutMs?: number;
}

/** What the loader knows about a pipeline's code. */
export interface PlanSources {
  /** The pipeline module's path. */
  file: string;
  /** The module and the local files it imports, by path, with their contents. */
  contents: ReadonlyMap<string, string>;
  /** Where each task was defined, for diagnostics. */
  locations?: Readonly<Record<string, SourceLocation>> | undefined;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; diagnostics: Diagnostic[] };

/** Diagnostic codes the planner reports. */
export const PlanCode = {
  UnknownDependency: "unknown_dependency",
  DuplicateTask: "duplicate_task",
  SelfDependency: "self_dependency",
  Cycle: "cycle",
} as const;
export type PlanCode = (typeof PlanCode)[keyof typeof PlanCode];
