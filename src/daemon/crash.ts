/**
 * @module A run whose process is gone, ended one way wherever that is found out: start-up reconcile (a daemon's
 * runs, or a cluster node's own claims) and the lease-expiry reaper (a node that died or was cut off). A Running run
 * becomes Crashed with every task not ended ended, and its pipeline's follow-up applies (`resume: true` resumes it
 * as a new run of the same version and params reusing the completed tasks; else run-level `retries`); a Cancelling
 * run becomes Cancelled. The follow-up is only described here: the caller creates it where its writes go.
 */
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import type { RunEvent } from "../core/events.ts";
import type { CreateRunInput, RunDetail } from "../store/index.ts";
import { endRunEvents } from "./finalize.ts";
import { followUpRun } from "./follow-up.ts";

export interface Crash {
  end: "Crashed" | "Cancelled";
  /** The transitions that end the run and its tasks (none when it has ended already). */
  events: RunEvent[];
  /** The resume or retry to create, when the pipeline asks for one. */
  next: (CreateRunInput & { kind: "resume" | "retry" }) | undefined;
}

/**
 * How `run` ends now that its process is gone; `why` says what happened, `spec` is its version's pipeline (undefined
 * when this node cannot read it: then no follow-up).
 * @example
 * const { events, next } = crashOf(detail, "the daemon stopped while this run was running", manifest?.spec, Date.now());
 */
export function crashOf(run: RunDetail, why: string, spec: PipelineSpec | undefined, now: number): Crash {
  const end = run.state === "Cancelling" ? "Cancelled" : "Crashed";
  const next = end === "Crashed" && run.state === "Running" && spec ? followUpRun(run, "Crashed", true, spec, now) : undefined;
  const reason = next ? `${why}; ${next.kind === "resume" ? "resumed" : "retried"} as a new run` : why;
  return { end, events: endRunEvents(run, end, reason, now), next };
}
