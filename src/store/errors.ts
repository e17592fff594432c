/** @module The store's tagged errors: opening the database, migrating it, and guards for callers. */
import { FloeError } from "../core/errors.ts";

/** The database could not be opened or prepared (missing/unwritable folder, corrupt or newer file). */
export class StoreOpenError extends FloeError {
  readonly _tag = "StoreOpenError" as const;
  readonly context: { path: string; reason: string };
  constructor(context: { path: string; reason: string }, options?: { cause?: unknown }) {
    super(`cannot open the state database at ${context.path}: ${context.reason}`, options);
    this.context = context;
  }
}

/** A migration failed, or an applied migration's SQL changed (migrations are append-only). */
export class MigrationError extends FloeError {
  readonly _tag = "MigrationError" as const;
  readonly context: { path: string; version: number; name: string };
  constructor(message: string, context: { path: string; version: number; name: string }, options?: { cause?: unknown }) {
    super(`${context.path}: migration ${context.version} (${context.name}): ${message}`, options);
    this.context = context;
  }
}

/**
 * Nodes and database disagree on the schema: the database is newer than this floe, or this floe would migrate it
 * while nodes of an older version are alive (without `--migrate`).
 */
export class SchemaVersionError extends FloeError {
  readonly _tag = "SchemaVersionError" as const;
  readonly context: { path: string; databaseVersion: number; knownVersion: number; floeVersion: string; olderNodes: string[] };
  constructor(message: string, context: SchemaVersionError["context"]) {
    super(message);
    this.context = context;
  }
}

/** A write was attempted on a store opened with `readonly: true`. */
export class StoreReadOnlyError extends FloeError {
  readonly _tag = "StoreReadOnlyError" as const;
  readonly context: { path: string };
  constructor(path: string) {
    super(`the state database at ${path} is open read-only`);
    this.context = { path };
  }
}

export type StoreError = StoreOpenError | MigrationError | SchemaVersionError | StoreReadOnlyError | InvalidCursorError;

export function isStoreError(value: unknown): value is StoreError {
  return (
    value instanceof StoreOpenError ||
    value instanceof MigrationError ||
    value instanceof SchemaVersionError ||
    value instanceof StoreReadOnlyError ||
    value instanceof InvalidCursorError
  );
}

/** A pagination cursor that this store did not produce (a client mistake: the API answers 400). */
export class InvalidCursorError extends FloeError {
  readonly _tag = "InvalidCursorError" as const;
  readonly context: { cursor: string };
  constructor(cursor: string) {
    super(`invalid cursor "${cursor.slice(0, 64)}"`);
    this.context = { cursor };
  }
}

// node errors of a socket that cannot reach or lost the server; PostgreSQL's shutdown / starting-up codes
const LOST = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "57P01", "57P02", "57P03"]);
// what node-postgres throws itself when a connection ends or cannot be made in time
const LOST_MESSAGE = /connection terminated|connection ended|timeout exceeded when trying to connect|not queryable|connection timeout/i;

/**
 * Whether a store call failed because the database cannot be reached right now (server down or restarting, network
 * cut), so the same call may succeed later, as opposed to a statement the database refused.
 */
export function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown } | null;
  if (e === null || typeof e !== "object") return false;
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code !== undefined && (LOST.has(code) || code.startsWith("08"))) return true;
  if (Array.isArray(e.errors) && e.errors.some(isConnectionLost)) return true; // AggregateError: every address refused
  return typeof e.message === "string" && LOST_MESSAGE.test(e.message);
}
