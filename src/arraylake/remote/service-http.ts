/**
 * @module The HTTP transport to the Arraylake service: bearer authentication, bounded retries with
 * exponential backoff and jitter (honouring Retry-After), and tagged errors for every failure. The token
 * lives only in the Authorization header; no message, log or error ever contains it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { redact } from "../../core/redact.ts";
import { ServiceError, ServiceUnreachableError, TokenRejectedError } from "../errors.ts";
import { backoff } from "./s3-client.ts";

export interface RetrySettings {
  /** Attempts in all, including the first; default 5. */
  attempts: number;
  /** First backoff; doubles each retry, with jitter, capped by `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { attempts: 5, baseDelayMs: 200, maxDelayMs: 10_000, timeoutMs: 60_000 };

export interface ServiceHttpOptions {
  serviceUri: string;
  token: string;
  retry?: Partial<RetrySettings> | undefined;
  fetch?: typeof fetch | undefined;
  /** Extra default headers (the wire module's accept / client headers). */
  headers: Record<string, string>;
}

export interface ServiceReply {
  status: number;
  body: unknown;
  requestId: string | undefined;
}

/** 500 is retried for reads only (a write may have happened); 429 and gateway errors for every method. */
function retryable(method: string, status: number): boolean {
  if (status === 429 || status === 502 || status === 503 || status === 504) return true;
  return status === 500 && (method === "GET" || method === "HEAD");
}

function retryAfterMs(headers: Headers, max: number): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, max) : undefined;
}

function detailOf(body: unknown): string {
  const detail = body && typeof body === "object" && "detail" in body ? (body as { detail: unknown }).detail : body;
  const text = typeof detail === "string" ? detail : JSON.stringify(detail ?? "");
  return redact(text).slice(0, 300);
}

export type ServiceHttp = ReturnType<typeof createServiceHttp>;

export function createServiceHttp(options: ServiceHttpOptions) {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const doFetch = options.fetch ?? fetch;
  const base = options.serviceUri.replace(/\/+$/, "");

  /**
   * Sends one request and returns its reply for any status the caller handles (2xx, 404, 409, 422...);
   * throws for 401/403, for 429/5xx once retries are spent, and when the service cannot be reached.
   * `what` names the operation in errors ("listing repositories of acme").
   */
  const request = async (method: string, path: string, what: string, body?: unknown): Promise<ServiceReply> => {
    let lastFailure = "";
    let delay: number | undefined;
    for (let attempt = 0; attempt < retry.attempts; attempt++) {
      if (attempt > 0) await sleep(delay ?? Math.min(retry.maxDelayMs, backoff(attempt - 1, retry.baseDelayMs)));
      delay = undefined;
      let res: Response;
      try {
        res = await doFetch(`${base}${path}`, {
          method,
          headers: {
            ...options.headers,
            authorization: `Bearer ${options.token}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(retry.timeoutMs),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        lastFailure = redact(cause?.code ?? (error as Error).message);
        if (attempt === retry.attempts - 1) throw new ServiceUnreachableError(base, `${lastFailure} (after ${retry.attempts} attempts, while ${what})`, { cause: error });
        continue;
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text for the error message
      }
      const requestId = res.headers.get("x-request-id") ?? undefined;
      if (res.status === 401 || res.status === 403) throw new TokenRejectedError(base, res.status, what);
      if (retryable(method, res.status)) {
        lastFailure = `HTTP ${res.status}${res.status === 429 ? " Too Many Requests" : ""}: ${detailOf(parsed)}`;
        delay = retryAfterMs(res.headers, retry.maxDelayMs);
        if (attempt === retry.attempts - 1) break;
        continue;
      }
      if (res.status >= 500) throw new ServiceError(`the Arraylake service failed while ${what}: HTTP ${res.status}: ${detailOf(parsed)}`, res.status, requestId);
      return { status: res.status, body: parsed, requestId };
    }
    throw new ServiceError(`the Arraylake service kept failing while ${what} (${retry.attempts} attempts); last: ${lastFailure}`, undefined);
  };

  return { request, serviceUri: base };
}
