/**
 * @module Icechunk's errors (plain `Error`s whose message ends in a "context:" trailer) to floe's tagged
 * errors. One table of message patterns, so a library upgrade that rewords one is fixed in one place.
 */
import { redact } from "../core/redact.ts";
import {
  CommitConflictError,
  IcechunkError,
  RefNotFoundError,
  StorageWriteError,
  UnsupportedRepositoryError,
  type RefKind,
} from "./errors.ts";
import type { FloeError } from "../core/errors.ts";

/** The library's message without its empty "context:" trailer, redacted. */
export function icechunkMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  return redact(raw.replace(/\n+context:[\s\S]*$/, "").trim());
}

export interface ErrorContext {
  repo: string;
  /** What was being done, e.g. "open", "commit to main". */
  operation: string;
  /** The ref the operation named, to attribute "ref not found". */
  ref?: { kind: RefKind; name: string };
  branch?: string;
}

const WRITE_CODES = ["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO"] as const;

/** Maps any error thrown by the Icechunk library to a tagged floe error. */
export function translateIcechunkError(error: unknown, context: ErrorContext): FloeError {
  if (error instanceof Error && "_tag" in error) return error as FloeError;
  const message = icechunkMessage(error);
  const options = { cause: error };
  const refMatch = /ref not found `([^`]*)`/.exec(message);
  if (refMatch) {
    return new RefNotFoundError(context.repo, context.ref?.kind ?? "ref", context.ref?.name ?? refMatch[1]!, options);
  }
  const snapMatch = /snapshot id not found `([^`]*)`/.exec(message);
  if (snapMatch) return new RefNotFoundError(context.repo, "snapshot", context.ref?.name ?? snapMatch[1]!, options);
  if (/Invalid ObjectId|invalid snapshot id|Base32/i.test(message) && context.ref?.kind === "snapshot") {
    // A malformed id can name no snapshot: report it as not found, like Icechunk does for well-formed ones.
    return new RefNotFoundError(context.repo, "snapshot", context.ref.name, options);
  }
  if (/branch update conflict|cannot rebase|[Cc]onflict/.test(message)) {
    return new CommitConflictError(context.repo, context.branch ?? "?", message, options);
  }
  if (/error in config deserialization|error during metadata deserialization/.test(message)) {
    return new UnsupportedRepositoryError(
      context.repo,
      `${message}. The WebAssembly build of @earthmover/icechunk 2.x is compiled without the local-file, HTTP, GCS ` +
        "and Azure object stores, and this repository's configuration names a virtual chunk container of one of " +
        "those kinds. Open it where the native build loads (Linux glibc >= 2.38, macOS, Windows).",
      options,
    );
  }
  const code = WRITE_CODES.find((c) => message.includes(c));
  if (code) {
    return new StorageWriteError(`${context.operation} on "${context.repo}" failed writing to disk (${code}): ${message}`, code, options);
  }
  return new IcechunkError(`${context.operation} on "${context.repo}" failed: ${message}`, options);
}

/** Runs `fn`, translating whatever it throws. */
export async function guard<T>(context: ErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw translateIcechunkError(error, context);
  }
}
