/**
 * @module The IPC protocol between the daemon and a run process. The run process never touches SQLite: it sends
 * its {@link RunEvent}s, heartbeats and pool requests here, and the daemon (the one writer) records them.
 */
import { fileURLToPath } from "node:url";
import type { ArtifactKind, RunEvent } from "../core/events.ts";
import type { ErrorInfo } from "../core/errors.ts";
import type { ChildRunReply, ChildRunRequest } from "../engine/types.ts";
import type { Plan } from "../plan/types.ts";
import type { ArraylakeSettings } from "./arraylake.ts";
import type { CachedRead, NewTaskJob } from "../store/index.ts";
import type { TaskState } from "../core/states.ts";

/** The run process's entry module, forked with tsx by whoever supervises runs (the daemon, a cluster worker). */
export const RUN_CHILD_ENTRY = fileURLToPath(new URL("./child.ts", import.meta.url));

/** Everything a run process needs to execute one run: plain data, structured-clone safe. */
export interface RunAssignment {
  runId: string;
  pipeline: string;
  version: string;
  /** The snapshot module of that version (never the live file: runs finish on the version they started with). */
  file: string;
  exportName: string;
  plan: Plan;
  /** Params as submitted (the run process parses them with the pipeline's zod schema). */
  params: unknown;
  /** The run's logical date in ms (`ctx.scheduledFor`). */
  scheduledFor: number;
  /** Why the run exists (`ctx.trigger`). */
  trigger: { kind: string; detail: unknown };
  /** The schedule whose `params(slot)` function gives this run's params (evaluated in the run process). */
  paramsFromSchedule?: string | undefined;
  /** Tasks at once within the run (config `concurrency.tasksPerRun`, or the pipeline's own). */
  concurrency: number;
  heartbeatMs: number;
  /** Task records of the run this one retries or resumes (Completed/Cached results are reused). */
  previous?: PreviousTaskRecord[] | undefined;
  /** Where `ctx.arraylake` finds repositories, from the daemon's config (the token is in the environment). */
  arraylake: ArraylakeSettings;
}

/** A task execution the run process asks its node to queue as a task job (a `distribute: true` task): the job's
 * fields the run process knows (its node adds the id, run and time). */
export type TaskJobRequest = Omit<NewTaskJob, "id" | "runId" | "createdAt">;

/** What a job's process needs besides the version's code. */
export interface TaskJobInput {
  input: { params: unknown; upstream: Record<string, unknown>; item?: unknown; index?: number };
  scheduledFor: number;
  trigger: { kind: string; detail: unknown };
}

/** How a task job ended, as its node tells the run process. */
export interface TaskJobOutcome {
  state: "Completed" | "Failed" | "Cancelled";
  resultJson?: string | undefined;
  error?: ErrorInfo | undefined;
  /** Log lines, lineage events and artifacts the task emitted where it ran, re-emitted by the run process. */
  events?: JobEvent[] | undefined;
}

/**
 * An artifact a job attached (`ctx.artifact`), as it travels through the database (JSON: image bytes as base64).
 * The run process numbers it in the run's order and checks the run's limit (src/run/distribute.ts).
 */
export interface JobArtifactEvent {
  type: "job:artifact";
  kind: ArtifactKind;
  title?: string | undefined;
  text: string;
  contentBase64?: string | undefined;
  mime?: string | undefined;
  at: number;
}

export type JobEvent = RunEvent | JobArtifactEvent;

/** A task of an earlier run, as handed to a retry/resume run. */
export interface PreviousTaskRecord {
  task: string;
  state: TaskState;
  resultJson?: string | undefined;
}

export type DaemonToRun =
  | { type: "start"; assignment: RunAssignment }
  | { type: "cancel"; reason: string }
  | { type: "ack"; seq: number }
  | { type: "granted"; id: number }
  | { type: "cached"; id: number; resultJson?: string | undefined; reads?: CachedRead[] | undefined }
  | { type: "denied"; id: number; message: string }
  | { type: "childStarted"; id: number; runId: string }
  | { type: "childEnded"; id: number; reply: ChildRunReply }
  | { type: "childRefused"; id: number; message: string }
  | { type: "jobEnded"; id: number; outcome: TaskJobOutcome };

export type RunToDaemon =
  | { type: "ready"; pid: number }
  | { type: "events"; seq: number; events: RunEvent[] }
  | { type: "heartbeat"; at: number }
  | { type: "acquire"; id: number; pool: string; task?: string | undefined }
  | { type: "abandon"; id: number }
  | { type: "cache"; id: number; task: string; cacheKey: string; maxAgeMs?: number | undefined }
  | { type: "release"; id: number }
  /** `ctx.runPipeline`: create a child run of this run (and report its end when `wait`). */
  | ({ type: "child"; id: number } & ChildRunRequest)
  | { type: "childCancel"; runId: string; reason: string }
  /** A `distribute: true` task execution to queue as a task job; `jobCancel` when its attempt stopped waiting. */
  | { type: "job"; id: number; job: TaskJobRequest }
  | { type: "jobCancel"; id: number }
  | { type: "done"; state: string; error?: ErrorInfo | undefined };

/** The task job process's entry module, forked by a node's job worker (src/daemon/task-job-worker.ts). */
export const JOB_CHILD_ENTRY = fileURLToPath(new URL("./job-child.ts", import.meta.url));

/** One claimed task job for a job process: plain data. */
export interface JobAssignment {
  jobId: string;
  runId: string;
  pipeline: string;
  version: string;
  task: string;
  name: string;
  attempt: number;
  /** The version's snapshot module, as for a run. */
  file: string;
  exportName: string;
  inputJson: string;
  arraylake: ArraylakeSettings;
}

/** `ctx.runPipeline` in a job: the job process asks its node, which creates the child run through the store. */
export type JobChildRequest = Extract<RunToDaemon, { type: "child" | "childCancel" }>;
export type JobChildReply = Extract<DaemonToRun, { type: "childStarted" | "childEnded" | "childRefused" }>;

export type NodeToJob = { type: "start"; assignment: JobAssignment } | { type: "cancel"; reason: string } | JobChildReply;
export type JobToNode = { type: "ready" } | { type: "done"; outcome: TaskJobOutcome } | JobChildRequest;

export const isRunToDaemon = (value: unknown): value is RunToDaemon =>
  typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
