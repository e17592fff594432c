/**
 * @module A minimal S3 client: SigV4 signing by aws4fetch, path-style or virtual-host URLs, bounded retries
 * on throttling and 5xx, and one credential refresh when storage answers that the token expired.
 * Requests go straight from this process to the bucket: nothing of ours sits in between.
 */
import { AwsClient } from "aws4fetch";
import { setTimeout as sleep } from "node:timers/promises";
import { ObjectStorageError } from "../errors.ts";
import type { CredentialSource, S3Credentials } from "./credentials.ts";

export interface S3Location {
  bucket: string;
  /** Key prefix of the repository inside the bucket, without leading or trailing slash ("" for the root). */
  prefix: string;
  region: string;
  /** e.g. `http://127.0.0.1:9000`; default `https://s3.<region>.amazonaws.com`. */
  endpoint?: string | undefined;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key`. */
  forcePathStyle: boolean;
}

export interface S3ClientOptions extends S3Location {
  credentials: CredentialSource;
  fetch?: typeof fetch | undefined;
  /** Retries of throttled / 5xx / network-failed requests; default 4. */
  retries?: number | undefined;
  retryBaseMs?: number | undefined;
  /** Per attempt; a request that takes longer is aborted and retried. Default 5 minutes (large chunks, slow links). */
  timeoutMs?: number | undefined;
}

export interface S3Reply {
  status: number;
  headers: Headers;
  data: Buffer;
  /** The S3 error `<Code>` of a failed request. */
  code: string | undefined;
}

export interface S3Request {
  query?: Record<string, string> | undefined;
  headers?: Record<string, string> | undefined;
  body?: Uint8Array | undefined;
}

/** Codes S3 (and S3-compatible stores) use for credentials that expired between signing and checking. */
const EXPIRED = new Set(["ExpiredToken", "TokenRefreshRequired", "RequestExpired"]);
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** Percent-encodes a key per RFC 3986, keeping `/` between segments. */
export function encodeKey(key: string): string {
  return key
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

export function errorCode(body: Buffer): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body.subarray(0, 4096).toString("utf8"))?.[1];
}

export type S3Client = ReturnType<typeof createS3Client>;

export function createS3Client(options: S3ClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 4;
  const base = options.retryBaseMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 300_000;
  const endpoint = new URL(options.endpoint ?? `https://s3.${options.region}.amazonaws.com`);
  const origin = options.forcePathStyle
    ? `${endpoint.origin}${endpoint.pathname.replace(/\/$/, "")}/${options.bucket}`
    : `${endpoint.protocol}//${options.bucket}.${endpoint.host}${endpoint.pathname.replace(/\/$/, "")}`;
  const signers = new WeakMap<S3Credentials, AwsClient>();

  const signer = (c: S3Credentials): AwsClient => {
    let s = signers.get(c);
    if (!s) {
      const init = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, service: "s3", region: options.region, retries: 0 };
      s = new AwsClient(c.sessionToken ? { ...init, sessionToken: c.sessionToken } : init);
      signers.set(c, s);
    }
    return s;
  };

  /** The URL of `key` (a full key in the bucket) or, for "", of the bucket itself. */
  const urlFor = (key: string, query?: Record<string, string>): string => {
    const url = new URL(key === "" ? `${origin}/` : `${origin}/${encodeKey(key)}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url.toString();
  };

  const once = async (method: string, key: string, req: S3Request, creds: S3Credentials | undefined): Promise<S3Reply> => {
    const url = urlFor(key, req.query);
    const init: RequestInit = {
      method,
      headers: req.headers ?? {},
      signal: AbortSignal.timeout(timeoutMs),
      ...(req.body ? { body: req.body as unknown as BodyInit } : {}),
    };
    const request = creds ? await signer(creds).sign(url, init) : new Request(url, init);
    const res = await doFetch(request);
    const data = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, data, code: res.status >= 400 ? errorCode(data) : undefined };
  };

  /** Sends one request; retries throttling, 5xx and network errors; refreshes expired credentials once. */
  const send = async (method: string, key: string, req: S3Request = {}): Promise<S3Reply> => {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const creds = await options.credentials.get();
      let reply: S3Reply;
      try {
        reply = await once(method, key, req, creds);
      } catch (error) {
        if (attempt >= retries) {
          throw new ObjectStorageError(`cannot reach object storage at ${endpoint.origin} (${method} ${key}): ${(error as Error).message}`, undefined, undefined, { cause: error });
        }
        await sleep(backoff(attempt, base));
        continue;
      }
      // A HEAD answer has no body, so no <Code>: its 400/403 may be expired credentials too (refreshed once as well).
      const expired = reply.code !== undefined ? EXPIRED.has(reply.code) : method === "HEAD";
      if ((reply.status === 400 || reply.status === 403) && expired && !refreshed) {
        // Vended credentials ran out mid-run: fetch new ones and go on.
        options.credentials.invalidate(creds);
        refreshed = true;
        attempt -= 1;
        continue;
      }
      if (RETRYABLE.has(reply.status) && attempt < retries) {
        await sleep(backoff(attempt, base));
        continue;
      }
      return reply;
    }
  };

  return { send, urlFor, location: options as S3Location };
}

/** Exponential backoff with full jitter: uniform in [d/2, d], d = base * 2^attempt, capped at 10 s. */
export function backoff(attempt: number, baseMs: number): number {
  const d = Math.min(10_000, baseMs * 2 ** attempt);
  return d / 2 + Math.random() * (d / 2);
}

/** An ObjectStorageError for an unexpected reply (never includes credentials). */
export function unexpected(reply: S3Reply, what: string): ObjectStorageError {
  const code = reply.code ?? `HTTP ${reply.status}`;
  const hint = reply.status === 403 ? " (access denied: the credentials do not allow this)" : "";
  return new ObjectStorageError(`${what} failed: ${code}${hint}`, reply.status, reply.code);
}
