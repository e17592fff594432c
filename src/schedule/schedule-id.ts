/** @module Stable schedule ids: readable, URL-safe, derived from the pipeline and the schedule's name. */

/**
 * The id of a pipeline's schedule. Both parts are names (letters, digits, `-`, `_`), so `:` cannot be ambiguous,
 * and the id survives restarts, reloads and edits of everything but the name.
 * @example scheduleId("seasonal-means", "nightly") // "seasonal-means:nightly"
 */
export function scheduleId(pipeline: string, scheduleName: string): string {
  return `${pipeline}:${scheduleName}`;
}
