/**
 * @module The CLI's side of the daemon: find the daemon serving a state folder (daemon.json), submit a run to it,
 * follow the run's progress (the API's SSE stream), cancel a run. Everything returns `undefined` when no daemon
 * answers, so callers fall back to running locally.
 * @example
 * const run = await submitToDaemon(config.stateDir, { pipeline: "hello", params: { who: "ocean" } });
 * if (run) for await (const e of followRun(config.stateDir, run.id)) console.log(e.event, e.data);
 */
import type { z } from "zod";
import { ConflictError, NotFoundError, ValidationError, type Diagnostic } from "../core/errors.ts";
import { RunDetailSchema, RunSchema, type RunBody, type RunDetailBody } from "../../schemas/api-runs.ts";
import { readDaemonFile, type DaemonInfo } from "./daemon-file.ts";

export interface ProgressEvent {
  event: "log" | "transition" | "end";
  data: Record<string, unknown>;
}

interface Target {
  info: DaemonInfo;
  headers: Record<string, string>;
}

function target(stateDir: string, env: NodeJS.ProcessEnv): Target | undefined {
  const info = readDaemonFile(stateDir);
  if (!info) return undefined;
  const token = env.FLOE_API_TOKEN;
  return { info, headers: token ? { authorization: `Bearer ${token}` } : {} };
}

async function call(t: Target, path: string, init: RequestInit = {}): Promise<Response | undefined> {
  try {
    return await fetch(`${t.info.url}${path}`, { ...init, headers: { ...t.headers, ...(init.headers as Record<string, string> | undefined) } });
  } catch {
    return undefined; // refused: the daemon died without removing its file
  }
}

/** A daemon's answer checked against the API's schema: a daemon of another floe version gets a clear error. */
function parseAnswer<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
  throw new Error(`the daemon's answer for ${what} is not what this floe expects (${issues}); is the daemon another floe version?`);
}

async function errorOf(res: Response, what: string): Promise<Error> {
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string; details?: { issues?: Diagnostic[] } } };
  const message = body.error?.message ?? `${what}: HTTP ${res.status}`;
  if (res.status === 404) return new NotFoundError(what, message);
  if (res.status === 409) return new ConflictError(message);
  if (res.status === 422) return new ValidationError(body.error?.details?.issues ?? [{ code: "invalid_params", message }]);
  return new Error(`${what}: ${message}`);
}

/** The daemon's URL for this state folder, or undefined. */
export function daemonUrl(stateDir: string): string | undefined {
  return readDaemonFile(stateDir)?.url;
}

/**
 * Submits a run to the daemon serving `stateDir`; undefined when none is running. Throws NotFoundError (unknown
 * pipeline), ValidationError (bad params, with each issue) or ConflictError (no valid version).
 */
export async function submitToDaemon(
  stateDir: string,
  input: {
    pipeline: string;
    params?: Record<string, unknown> | undefined;
    idempotencyKey?: string | undefined;
    /** ISO 8601 logical date (`floe run --at`). */
    scheduledFor?: string | undefined;
  },
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunBody | undefined> {
  const t = target(stateDir, env);
  if (!t) return undefined;
  const res = await call(t, `/api/pipelines/${encodeURIComponent(input.pipeline)}/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      params: input.params ?? {},
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
      ...(input.scheduledFor ? { scheduledFor: input.scheduledFor } : {}),
    }),
  });
  if (!res) return undefined;
  if (res.status !== 200 && res.status !== 201) throw await errorOf(res, `pipeline "${input.pipeline}"`);
  return parseAnswer(RunSchema, await res.json(), `the run submitted for "${input.pipeline}"`);
}

/** The run with its tasks, from the daemon; undefined when no daemon answers. */
export async function getRunFromDaemon(stateDir: string, runId: string, env: NodeJS.ProcessEnv = process.env): Promise<RunDetailBody | undefined> {
  const t = target(stateDir, env);
  const res = t && (await call(t, `/api/runs/${encodeURIComponent(runId)}`));
  if (!res) return undefined;
  if (!res.ok) throw await errorOf(res, "run");
  return parseAnswer(RunDetailSchema, await res.json(), `run ${runId}`);
}

/** Asks the daemon to cancel a run: true when accepted, undefined when no daemon answers. */
export async function cancelViaDaemon(stateDir: string, runId: string, env: NodeJS.ProcessEnv = process.env): Promise<true | undefined> {
  const t = target(stateDir, env);
  const res = t && (await call(t, `/api/runs/${encodeURIComponent(runId)}/cancel`, { method: "POST" }));
  if (!res) return undefined;
  if (!res.ok) throw await errorOf(res, "run");
  return true;
}

/**
 * Live progress of a run: `log` lines, `transition`s (run and task states) and a final `end` with the run's state.
 * Ends when the run ends, the daemon goes away, or `signal` aborts.
 */
export async function* followRun(stateDir: string, runId: string, opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): AsyncGenerator<ProgressEvent> {
  const t = target(stateDir, opts.env ?? process.env);
  if (!t) return;
  const res = await call(t, `/api/runs/${encodeURIComponent(runId)}/logs`, { headers: { accept: "text/event-stream" }, ...(opts.signal ? { signal: opts.signal } : {}) });
  if (!res?.ok || !res.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
        }
        if (event !== "log" && event !== "transition" && event !== "end") continue;
        yield { event, data: JSON.parse(data.join("\n")) as Record<string, unknown> };
        if (event === "end") return;
      }
    }
  } catch (error) {
    if (opts.signal?.aborted) return;
    throw error;
  }
}

/**
 * One JSON request to the daemon serving `stateDir`: the parsed body, or undefined when no daemon answers. Error
 * statuses throw NotFoundError (404), ConflictError (409) or ValidationError (422, with the issues).
 */
export async function requestDaemon<T>(
  stateDir: string,
  path: string,
  init: { method?: "GET" | "POST"; body?: unknown; what: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<T | undefined> {
  const t = target(stateDir, env);
  const res = t && (await call(t, path, {
    method: init.method ?? "GET",
    ...(init.body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(init.body) } : {}),
  }));
  if (!res) return undefined;
  if (!res.ok) throw await errorOf(res, init.what);
  return (await res.json()) as T;
}
