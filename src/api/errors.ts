/**
 * @module The API's own tagged errors and the ONE table mapping every known `_tag` to an HTTP status and code.
 * Anything without a known tag is a 500 whose message is not shown (it may carry internals).
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { FloeError, type Diagnostic } from "../core/errors.ts";
import type { ErrorBody, Issue } from "../../schemas/api.ts";

/** Query, path parameters or headers are malformed (400). */
export class InvalidRequestError extends FloeError {
  readonly _tag = "InvalidRequestError" as const;
  constructor(message: string, readonly issues: readonly Issue[] = []) {
    super(message);
  }
}

/** The body is not JSON (400). */
export class InvalidJsonError extends FloeError {
  readonly _tag = "InvalidJsonError" as const;
}

/** The body is JSON but not the expected shape (422). */
export class InvalidBodyError extends FloeError {
  readonly _tag = "InvalidBodyError" as const;
  constructor(message: string, readonly issues: readonly Issue[]) {
    super(message);
  }
}

export class UnsupportedMediaTypeError extends FloeError {
  readonly _tag = "UnsupportedMediaTypeError" as const;
}

export class PayloadTooLargeError extends FloeError {
  readonly _tag = "PayloadTooLargeError" as const;
}

export class UnauthorizedError extends FloeError {
  readonly _tag = "UnauthorizedError" as const;
}

export class RouteNotFoundError extends FloeError {
  readonly _tag = "RouteNotFoundError" as const;
}

/** The port is taken or the address cannot be bound. */
export class ServeError extends FloeError {
  readonly _tag = "ServeError" as const;
  constructor(message: string, readonly context: { host: string; port: number; code: string }, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A route needs a part the serving process was not given (e.g. repository browsing): 503. */
export class BrowserUnavailableError extends FloeError {
  readonly _tag = "BrowserUnavailableError" as const;
}

/** Every tag the API knows, with its status and public code. */
const BY_TAG: Readonly<Record<string, readonly [ContentfulStatusCode, string]>> = {
  InvalidRequestError: [400, "invalid_request"],
  InvalidJsonError: [400, "invalid_json"],
  InvalidCursorError: [400, "invalid_cursor"],
  UnauthorizedError: [401, "unauthorized"],
  NotFoundError: [404, "not_found"],
  RouteNotFoundError: [404, "not_found"],
  ConflictError: [409, "conflict"],
  InvalidTransitionError: [409, "conflict"],
  PayloadTooLargeError: [413, "payload_too_large"],
  UnsupportedMediaTypeError: [415, "unsupported_media_type"],
  InvalidBodyError: [422, "invalid_body"],
  ValidationError: [422, "invalid_params"],
  StoreReadOnlyError: [503, "unavailable"],
  BrowserUnavailableError: [503, "unavailable"],
  // Repositories and their contents (src/arraylake, src/browse, src/data).
  InvalidRepoNameError: [400, "invalid_request"],
  InvalidPathError: [400, "invalid_path"],
  InvalidSliceError: [400, "invalid_index"],
  RepoNotFoundError: [404, "not_found"],
  OrgNotFoundError: [404, "not_found"],
  RefNotFoundError: [404, "not_found"],
  NodeNotFoundError: [404, "not_found"],
  CannotDrawError: [422, "cannot_draw"],
  UnsupportedError: [422, "unsupported"],
};

export interface ErrorResponse {
  status: ContentfulStatusCode;
  body: ErrorBody;
  /** True when the error was not a known tag: the caller should log it. */
  unexpected: boolean;
}

/** Maps any thrown value to a status and the one JSON error shape. */
export function toErrorResponse(error: unknown): ErrorResponse {
  const tag = (error as { _tag?: unknown } | null)?._tag;
  const known = typeof tag === "string" ? BY_TAG[tag] : undefined;
  if (!known || !(error instanceof Error)) {
    return { status: 500, body: { error: { code: "internal", message: "internal error" } }, unexpected: true };
  }
  const [status, code] = known;
  const issues = issuesOf(error);
  const body: ErrorBody = { error: { code, message: error.message, ...(issues ? { details: { issues } } : {}) } };
  return { status, body, unexpected: false };
}

function issuesOf(error: Error): Issue[] | undefined {
  if (error instanceof InvalidRequestError || error instanceof InvalidBodyError) {
    return error.issues.length > 0 ? [...error.issues] : undefined;
  }
  const diagnostics = (error as { diagnostics?: readonly Diagnostic[] }).diagnostics;
  if (!Array.isArray(diagnostics)) return undefined;
  return diagnostics.map((d: Diagnostic) => ({ path: d.path ?? "", message: d.message, code: d.code }));
}

/** zod issues as the API reports them: dotted path + message + code. */
export function zodIssues(issues: readonly { path: readonly PropertyKey[]; message: string; code: string }[]): Issue[] {
  return issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message, code: i.code }));
}
