/** @module Whether a failed attempt is retried, and after how long. */
import { NonRetriableError, RetryAfterError } from "../core/errors.ts";
import type { RetrySpec } from "../plan/types.ts";

/**
 * Delay before retry number `retry` (1 for the first retry): the per-retry or fixed delay, times
 * factor^(retry-1) with backoff, scaled by 1 ± jitter, capped at the backoff's max.
 */
export function retryDelayMs(policy: RetrySpec, retry: number, random: () => number): number {
  const d = policy.delayMs;
  let delay = Array.isArray(d) ? (d[Math.min(retry, d.length) - 1] ?? 0) : d;
  if (policy.backoff) delay *= policy.backoff.factor ** (retry - 1);
  if (policy.jitter) delay *= 1 + policy.jitter * (2 * random() - 1);
  if (policy.backoff?.maxMs !== undefined) delay = Math.min(delay, policy.backoff.maxMs);
  return Math.max(0, Math.round(delay));
}

/**
 * After attempt `attempt` (1-based) failed with `error`: retry while attempts remain, unless the error is a
 * NonRetriableError or `retryIf` says no. Returns the delay in ms, or undefined for "do not retry".
 * `retryIf` decides whether; a RetryAfterError decides when.
 */
export function nextRetry(
  policy: RetrySpec,
  attempt: number,
  error: unknown,
  retryIf: ((error: unknown, attempt: number) => boolean) | undefined,
  random: () => number,
): number | undefined {
  if (attempt > policy.attempts || error instanceof NonRetriableError) return undefined;
  if (retryIf) {
    try {
      if (!retryIf(error, attempt)) return undefined;
    } catch {
      return undefined; // a broken predicate must not loop forever
    }
  }
  if (error instanceof RetryAfterError) return Math.max(0, error.delayMs);
  return retryDelayMs(policy, attempt, random);
}
