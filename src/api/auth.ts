/**
 * @module Bearer-token auth: mandatory when the API listens beyond loopback, compared in constant time on
 * fixed-length digests so neither content nor length leaks through timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ConfigError } from "../core/errors.ts";
import { UnauthorizedError } from "./errors.ts";

const MIN_TOKEN_LENGTH = 16;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || h === "::1" || /^127(?:\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}

/** Throws ConfigError when a non-loopback host has no (or a too short) token; returns the token to enforce, if any. */
export function requiredToken(host: string, apiToken: string | undefined): string | undefined {
  if (apiToken !== undefined && apiToken.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError([{ code: "api_token_too_short", path: "daemon.apiToken", message: `the API token must have at least ${MIN_TOKEN_LENGTH} characters` }]);
  }
  if (apiToken === undefined && !isLoopback(host)) {
    throw new ConfigError([{
      code: "api_token_required",
      path: "daemon.apiToken",
      message: `listening on ${host} (not loopback) requires an API token: set daemon.apiToken or FLOE_API_TOKEN`,
    }]);
  }
  return apiToken;
}

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

/** Rejects requests without `Authorization: Bearer <token>` with 401; `isPublic` paths pass. */
export function bearerAuth(token: string, isPublic: (path: string) => boolean): MiddlewareHandler {
  const expected = digest(token);
  return async (c, next) => {
    if (isPublic(c.req.path)) return next();
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="floe"');
      throw new UnauthorizedError(match ? "the API token is wrong" : "this API requires Authorization: Bearer <token>");
    }
    return next();
  };
}
