/**
 * @module What `floe repo` says when an operation fails: one line naming the repository, ref or folder involved,
 * never a class name or a library's internal wording.
 */
import * as zarr from "zarrita";
import { FloeError } from "../core/errors.ts";

/** A `floe repo` operation failed for a reason the user can fix (missing node or folder, wrong kind). */
export class RepoCommandError extends FloeError {
  readonly _tag = "RepoCommandError" as const;
}

/** Where a command looked, as the user named it: `acme/x` at `main`. */
export interface Where {
  repo: string;
  ref: string;
}

export const noNode = (path: string, where: Where, cause?: unknown): RepoCommandError =>
  new RepoCommandError(`no array or group "${path || "/"}" in ${where.repo} at ${where.ref}`, { cause });

/** Turns zarrita's "Not found: v3 array or group" (or a group where an array was wanted) into a sentence. */
export function explainNodeError(error: unknown, path: string, where: Where): unknown {
  if (!zarr.isZarritaError(error, "NotFoundError")) return error;
  if (!error.found) return noNode(path, where, error);
  return new RepoCommandError(`"${path || "/"}" in ${where.repo} at ${where.ref} is a ${error.found}, not an array`, { cause: error });
}

/** The line printed after `floe repo <sub>: `: the message alone, without Icechunk's trailing context block. */
export function describeRepoError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, path } = error as NodeJS.ErrnoException;
  // Filesystem errors not caught earlier: say what is missing rather than the syscall.
  if (code === "ENOENT" && path) return `no such file or folder: ${path}`;
  if (code === "EACCES" && path) return `permission denied: ${path}`;
  return error.message.split(/\n\s*context:/)[0]!.trim();
}
