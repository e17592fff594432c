/**
 * @module What happens to a task between attempts: preparing a ready task (previous result, cache, fan-out),
 * completing it (result JSON, downstream tasks become ready), retrying it, or failing it (downstream Skipped).
 */
import { NonRetriableError, toErrorInfo } from "../core/errors.ts";
import { cacheKeyOf, parseResult, previousResult } from "./cache.ts";
import { asError, fireHooks, hooksOf, type HookName } from "./hooks.ts";
import { enqueue, markReady, pump, releaseItemSlot } from "./dispatch.ts";
import { createItems, gather, listOf } from "./fan-out.ts";
import { NOT_JSON, resultJsonOf } from "./result-json.ts";
import { nextRetry } from "./retry-policy.ts";
import { transition, type RunContext } from "./run-context.ts";
import type { TaskRun } from "./task-run.ts";

/** The `reason` on a Completed transition whose result is kept in memory only. */
export const RESULT_NOT_PERSISTED = "result-not-persisted";

const noop = (): void => {};

/** A ready task: reuse a previous or cached result, fan out, or queue it to run. */
export function prepare(run: RunContext, t: TaskRun): void {
  if (t.state !== "Pending") return;
  t.input ??= { params: run.params, upstream: upstreamOf(t) };
  const prev = previousResult(run, t);
  if (prev !== undefined && reuse(run, t, prev.json, true)) return;
  if (t.isMapped) return fanOut(run, t);
  const key = cacheKeyOf(run, t);
  if (key !== undefined) t.cacheKey = key;
  if (key === undefined || run.cacheLookup === undefined) return enqueue(run, t);
  const found = run.cacheLookup(t.spec.name, key, t.spec.cache?.expiresInMs);
  if (typeof found !== "object") {
    if (found === undefined || !reuse(run, t, found, false)) enqueue(run, t);
    return;
  }
  found.then((json) => {
    if (t.state !== "Pending" || run.stopping !== undefined) return;
    if (json === undefined || !reuse(run, t, json, false)) enqueue(run, t);
  }, () => run.stopping === undefined && t.state === "Pending" && enqueue(run, t));
}

// Names that libraries probe on any object (promises, JSON, inspection); reading them is not a mistake.
const PROBED = new Set(["then", "toJSON", "constructor", "inspect", "asymmetricMatch", "$$typeof", "nodeType"]);

function upstreamOf(t: TaskRun): Record<string, unknown> {
  // null-prototype: one object per distinct set of names would otherwise mint a hidden class each
  const upstream: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const u of t.upstream) upstream[u.spec.name] = u.result;
  // Plain JS has no compiler to catch a read of a task that is not upstream: fail loudly instead of undefined.
  return new Proxy(upstream, {
    get(target, prop) {
      if (typeof prop === "string" && !(prop in target) && !PROBED.has(prop)) {
        const needs = Object.keys(target);
        throw new NonRetriableError(
          `task "${t.key}" reads upstream.${prop}, but "${prop}" is not in its needs (${needs.length ? needs.join(", ") : "none"})`,
        );
      }
      return target[prop as string];
    },
  });
}

/** Marks the task Cached with a stored result; false when the text does not parse (then it runs). */
function reuse(run: RunContext, t: TaskRun, json: string | undefined, fromPrevious: boolean): boolean {
  let result: unknown;
  try {
    result = parseResult(json);
  } catch {
    return false;
  }
  t.result = result;
  t.resultJson = json;
  t.reused = fromPrevious;
  transition(run, t, "Cached", { resultJson: json, cacheKey: t.cacheKey, reason: fromPrevious ? "previous-run" : "cache" });
  succeeded(run, t);
  return true;
}

function fanOut(run: RunContext, parent: TaskRun): void {
  const list = listOf(run, parent);
  if (!Array.isArray(list)) {
    transition(run, parent, "Failed", { error: toErrorInfo(list) });
    return unsuccessful(run, parent);
  }
  parent.attempts = 1;
  transition(run, parent, "Running");
  const items = createItems(run, parent, list);
  if (items.length === 0) return complete(run, parent, []);
  for (const item of items) markReady(run, item);
}

export function attemptDone(run: RunContext, t: TaskRun, ok: boolean, value: unknown, timedOut: boolean): void {
  if (ok) complete(run, t, value);
  else failedAttempt(run, t, value, timedOut);
  pump(run);
}

function complete(run: RunContext, t: TaskRun, value: unknown): void {
  t.result = value;
  const json = resultJsonOf(value);
  if (json === NOT_JSON) {
    t.persisted = false;
    transition(run, t, "Completed", { reason: RESULT_NOT_PERSISTED, cacheKey: t.cacheKey });
  } else {
    t.resultJson = json;
    const plain = json === undefined && t.cacheKey === undefined;
    transition(run, t, "Completed", plain ? undefined : { resultJson: json, cacheKey: t.cacheKey });
  }
  if (!t.isMapped && t.def.options.onSuccess !== undefined) taskHooks(run, t, "onSuccess", value);
  succeeded(run, t);
}

/** A task's own hooks (a mapped task's fire per item, which is what runs). */
function taskHooks(run: RunContext, t: TaskRun, name: HookName, value: unknown, retryAt?: number): void {
  fireHooks(run, hooksOf(t.def.options[name]), value, {
    name, owner: `task "${t.key}"`, task: t.key, attempt: t.attempts, state: t.state, retryAt,
    timeoutMs: t.spec.hookTimeoutMs ?? run.hookTimeoutMs,
  });
}

function failedAttempt(run: RunContext, t: TaskRun, error: unknown, timedOut: boolean): void {
  const info = toErrorInfo(error);
  const delay = nextRetry(t.spec.retry, t.attempts, error, t.def.options.retryIf, run.random);
  if (delay === undefined) {
    transition(run, t, timedOut ? "TimedOut" : "Failed", { error: info });
    if (t.def.options.onFailure !== undefined) taskHooks(run, t, "onFailure", asError(error));
    return unsuccessful(run, t);
  }
  const retryAt = run.clock.now() + delay;
  transition(run, t, "AwaitingRetry", { error: info, retryAt });
  if (t.def.options.onRetry !== undefined) taskHooks(run, t, "onRetry", asError(error), retryAt);
  if (delay === 0) return enqueue(run, t);
  run.clock.sleep(delay, run.abort.signal).then(() => {
    if (t.state === "AwaitingRetry" && run.stopping === undefined) enqueue(run, t);
  }, noop); // aborted: the run's abort settles the task
}

function succeeded(run: RunContext, t: TaskRun): void {
  if (t.parent !== undefined) return itemFinished(run, t);
  for (const d of t.downstream) if (--d.waiting === 0 && d.state === "Pending") markReady(run, d);
}

function unsuccessful(run: RunContext, t: TaskRun): void {
  if (t.parent !== undefined) return itemFinished(run, t);
  const reason = `upstream ${t.key} ${t.state}`;
  const stack = [t];
  for (let u = stack.pop(); u !== undefined; u = stack.pop()) {
    for (const d of u.downstream) {
      if (d.state !== "Pending") continue;
      transition(run, d, "Skipped", { reason });
      stack.push(d);
    }
  }
}

function itemFinished(run: RunContext, item: TaskRun): void {
  const parent = item.parent!;
  releaseItemSlot(run, item);
  if (--parent.itemsOpen > 0 || parent.state !== "Running") return;
  const results = gather(parent);
  if (Array.isArray(results)) return complete(run, parent, results);
  transition(run, parent, "Failed", { error: toErrorInfo(results) });
  unsuccessful(run, parent);
}
