/**
 * @module Overlap policy: what a due slot does while runs of the same schedule are still active.
 */
import type { Overlap } from "../../schemas/schedule.ts";

export interface ActiveRun {
  id: string;
  /** When the run was created (epoch ms): oldest are cancelled first. Unless every run has it, list order is age. */
  createdAt?: number | undefined;
}

export type OverlapDecision =
  | { action: "start" }
  | { action: "skip" }
  | { action: "queue" }
  /** Cancel these runs (oldest first), then start the new one. */
  | { action: "cancel-previous"; cancel: string[] };

/**
 * Below the limit a slot always starts. The limit is `maxActiveRuns`, by default 1 (unlimited for `"allow"`).
 * At the limit: `"skip"` drops the slot, `"queue"` waits for a free place, `"cancel-previous"` cancels just
 * enough of the oldest runs to make room, and `"allow"` with an explicit `maxActiveRuns` queues (the cap wins).
 * @example decideOverlap("cancel-previous", [{ id: "r1" }], undefined) // { action: "cancel-previous", cancel: ["r1"] }
 */
export function decideOverlap(
  policy: Overlap,
  activeRuns: readonly ActiveRun[],
  maxActiveRuns?: number | undefined,
): OverlapDecision {
  const limit = maxActiveRuns ?? (policy === "allow" ? Number.POSITIVE_INFINITY : 1);
  if (activeRuns.length < limit) return { action: "start" };
  switch (policy) {
    case "skip":
      return { action: "skip" };
    case "queue":
    case "allow":
      return { action: "queue" };
    case "cancel-previous": {
      const dated = activeRuns.every((run) => run.createdAt !== undefined);
      const oldestFirst = dated ? [...activeRuns].sort((a, b) => a.createdAt! - b.createdAt!) : activeRuns;
      const excess = activeRuns.length - limit + 1;
      return { action: "cancel-previous", cancel: oldestFirst.slice(0, excess).map((run) => run.id) };
    }
  }
}
