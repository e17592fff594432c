/** @module Task options from the spec as the engine uses them: durations in ms, retries as one full policy. */
import { parseDuration, type Duration } from "../core/duration.ts";
import type { TaskSpec } from "../../schemas/pipeline.ts";
import type { CacheSpec, RetrySpec } from "./types.ts";

/** Durations were checked by the schema; 0 is a safe fallback if one slipped through. */
export const ms = (d: Duration): number => parseDuration(d) ?? 0;

export function retrySpecOf(retries: TaskSpec["retries"]): RetrySpec {
  if (retries === undefined) return { attempts: 0, delayMs: 0 };
  if (typeof retries === "number") return { attempts: retries, delayMs: 0 };
  const delay = retries.delay;
  const spec: RetrySpec = {
    attempts: retries.attempts,
    delayMs: delay === undefined ? 0 : Array.isArray(delay) ? delay.map(ms) : ms(delay),
  };
  if (retries.backoff) {
    const { factor, max } = retries.backoff;
    spec.backoff = max === undefined ? { factor } : { factor, maxMs: ms(max) };
  }
  if (retries.jitter !== undefined && retries.jitter > 0) spec.jitter = retries.jitter;
  return spec;
}

export function cacheSpecOf(cache: TaskSpec["cache"]): CacheSpec | undefined {
  if (cache === "none") return undefined;
  if (cache === "inputs") return { key: "inputs" };
  return cache.expiresIn === undefined ? { key: "inputs" } : { key: "inputs", expiresInMs: ms(cache.expiresIn) };
}
