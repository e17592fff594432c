/** @module The browser's tagged errors; the API maps each tag to a 4xx status (see `src/api/errors.ts`). */
import { FloeError } from "../core/errors.ts";

/** A path from a URL is not a repository path (empty segment, `..`, absolute, odd characters): 400. */
export class InvalidPathError extends FloeError {
  readonly _tag = "InvalidPathError" as const;
  constructor(readonly path: string, reason: string) {
    super(`array path ${JSON.stringify(path)}: ${reason}`);
  }
}

/** No group or array at that path in the snapshot: 404. */
export class NodeNotFoundError extends FloeError {
  readonly _tag = "NodeNotFoundError" as const;
  constructor(readonly repo: string, readonly path: string, readonly snapshotId: string) {
    super(`${repo}@${snapshotId}: no array at "${path}"`);
  }
}

/** An index names an unknown dimension, a drawn one, or is out of range: 400. */
export class InvalidSliceError extends FloeError {
  readonly _tag = "InvalidSliceError" as const;
}

/** The array cannot be drawn (strings, booleans of no range, unsupported dtype, zero size): 422. */
export class CannotDrawError extends FloeError {
  readonly _tag = "CannotDrawError" as const;
}

/** An error from a browse process, rebuilt on the daemon's side with its tag and message. */
export class RemoteBrowseError extends FloeError {
  readonly _tag: string;
  constructor(tag: string, message: string) {
    super(message);
    this._tag = tag;
  }
}
