/** @module Arraylake token checks. Errors describe the token's shape, never its text. */
import { InvalidTokenError } from "./errors.ts";

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const EMA = /^ema_[A-Za-z0-9_\-.]+$/;

/** Returns the token when it is an `ema_...` API token or a JWT; throws {@link InvalidTokenError} otherwise. */
export function validateToken(token: string): string {
  const trimmed = token.trim();
  if (EMA.test(trimmed) || (trimmed.startsWith("eyJ") && JWT.test(trimmed))) return trimmed;
  const shape = trimmed.length === 0 ? "it is empty" : `it has ${trimmed.length} characters and the wrong prefix or characters`;
  throw new InvalidTokenError(
    `invalid Arraylake token (${shape}): expected an API token starting with "ema_" or a JWT; ` +
      "check ARRAYLAKE_TOKEN or arraylake.token in arraylake.config.ts",
  );
}
