/**
 * @module What the API needs from the process that serves it. It reads the store directly (the daemon is the one
 * writer, the API only reads); everything that changes state goes through the daemon facade below, so the
 * single-writer rule holds. The daemon implements {@link ApiDeps}; tests implement it on a real store.
 */
import type { RepoBrowser } from "../browse/index.ts";
import type { Clock } from "../core/clock.ts";
import type { Diagnostic } from "../core/errors.ts";
import type { RunEvent } from "../core/events.ts";
import type { LoadedPipeline } from "../loader/types.ts";
import type { Store } from "../store/store.ts";
import type { RunRecord, RunTrigger, ScheduleRecord } from "../store/types.ts";
import type { BackfillDetail } from "../store/backfills.ts";
import type { CreateBackfillBody } from "../../schemas/api-backfills.ts";

/** The loader's current view of one pipeline. */
export interface PipelineStatus {
  name: string;
  file: string;
  /** False when the file's current code failed to load, validate or plan. */
  valid: boolean;
  /** Why the current code is invalid; empty when valid. */
  diagnostics: readonly Diagnostic[];
  /** The pipeline runs use: the current one when valid, else the last good one, else null. */
  active: LoadedPipeline | null;
}

export interface SubmitRunInput {
  pipeline: string;
  /** Unvalidated params from the request body; the daemon validates them against the pipeline's schema. */
  params?: Record<string, unknown> | undefined;
  idempotencyKey?: string | undefined;
  /** The logical date in ms; defaults to the creation time. */
  scheduledFor?: number | undefined;
  trigger: RunTrigger;
}

/** Numbers only the daemon knows, read at each `/metrics` scrape. */
export interface DaemonStats {
  /** Reloads that ended with diagnostics, since start. */
  reloadErrorsTotal: number;
  /** Per schedule: how late its most recent slot fired (run created minus slot time), in seconds. */
  scheduleLateness: readonly { scheduleId: string; pipeline: string; seconds: number }[];
}

export interface ApiDeps {
  /** Read side: the API calls `src/store` read functions on it and never writes. */
  store: Store;
  /** Current loader state of every pipeline, valid or not. Called per request: keep it cheap (a cached array). */
  pipelines(): readonly PipelineStatus[];
  /**
   * Creates (or finds, by idempotency key) a run of the pipeline's active version.
   * Throws NotFoundError (unknown pipeline), ValidationError with one diagnostic per issue (bad params, 422),
   * ConflictError (e.g. the pipeline has no valid version).
   */
  submitRun(input: SubmitRunInput): Promise<{ run: RunRecord; created: boolean }>;
  /** Asks a run to stop. Throws NotFoundError (unknown id) or ConflictError (already terminal). */
  cancelRun(runId: string): Promise<void>;
  /** Starts a new run with the same pipeline and params (trigger `retry`, `retryOf` set); NotFoundError/ConflictError. */
  retryRun(runId: string): Promise<RunRecord>;
  /**
   * Creates a backfill over a schedule's slots and queues its runs. Throws NotFoundError (pipeline or schedule),
   * ValidationError (bad range, too many slots without `yes`, bad params), ConflictError (no valid version).
   */
  createBackfill(input: { pipeline: string } & CreateBackfillBody): Promise<BackfillDetail>;
  /** Cancels a backfill and its runs that have not ended. NotFoundError/ConflictError (already ended). */
  cancelBackfill(id: string): Promise<BackfillDetail>;
  /** Pauses or resumes a schedule and returns it. Throws NotFoundError for an unknown id. */
  pauseSchedule(scheduleId: string, paused: boolean): Promise<ScheduleRecord>;
  /**
   * Live events, for SSE, metrics and the ended-run cache: of one run, or of every run when `runId` is omitted
   * (createApp subscribes to all runs twice, for the app's lifetime). The API treats them as hints and re-reads
   * the store, so it is fine to deliver them before they are durable. Returns unsubscribe.
   */
  subscribe(listener: (event: RunEvent) => void, runId?: string): () => void;
  /** Daemon counters and gauges for `/metrics`; omit before the daemon tracks them. */
  stats?(): DaemonStats;
  /** This node's own metrics (node id and role labels: runs held, leases, claim latency), served after the API's. */
  nodeMetrics?: { metrics(): Promise<string> } | undefined;
  /** Repositories, trees, quick looks and diffs; the repository routes answer 503 without it. */
  repos?: RepoBrowser | undefined;
  /** floe's version, shown by `/api/health` and the OpenAPI document. */
  version: string;
  /** When the serving process started (epoch ms of `clock`). */
  startedAt: number;
  clock: Clock;
}
