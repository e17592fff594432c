/** @module The daemon's tagged errors: a version's code that cannot be found or trusted. */
import { FloeError } from "../core/errors.ts";

/**
 * A run's version could not be made available on this node: no snapshot on disk and no bundle in the database,
 * a bundle that is malformed (a bad path, a bad document), or one whose recomputed hash is not its version.
 */
export class VersionBundleError extends FloeError {
  readonly _tag = "VersionBundleError" as const;
  readonly context: { pipeline: string; version: string; expected?: string; actual?: string };
  constructor(message: string, context: { pipeline: string; version: string; expected?: string; actual?: string }, options?: { cause?: unknown }) {
    super(message, options);
    this.context = context;
  }
}
