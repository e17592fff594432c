/**
 * @module Token redaction: no Arraylake token (`ema_...`), JWT, bearer token, Azure SAS signature or Google access
 * token (`ya29.`) is ever logged, stored or returned (storage errors may quote a request URL with its SAS).
 */

const TOKEN_RE = /\bema_[A-Za-z0-9_\-.]+/g;
const JWT_RE = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;
const BEARER_RE = /(Bearer\s+)[A-Za-z0-9_\-.=]+/gi;
const SAS_SIG_RE = /([?&]sig=)[^&\s"'<>)]+/gi;
const GOOGLE_TOKEN_RE = /\bya29\.[A-Za-z0-9_\-.]+/g;

export const REDACTED = "ema_***";

export function redact(text: string): string {
  return text
    .replace(TOKEN_RE, REDACTED)
    .replace(JWT_RE, "<jwt:***>")
    .replace(BEARER_RE, "$1***")
    .replace(SAS_SIG_RE, "$1***")
    .replace(GOOGLE_TOKEN_RE, "ya29.***");
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
