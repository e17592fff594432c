/** @module Token redaction: no Arraylake token (`ema_...`) or JWT is ever logged, stored or returned. */

const TOKEN_RE = /\bema_[A-Za-z0-9_\-.]+/g;
const JWT_RE = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;
const BEARER_RE = /(Bearer\s+)[A-Za-z0-9_\-.=]+/gi;

export const REDACTED = "ema_***";

export function redact(text: string): string {
  return text.replace(TOKEN_RE, REDACTED).replace(JWT_RE, "<jwt:***>").replace(BEARER_RE, "$1***");
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
