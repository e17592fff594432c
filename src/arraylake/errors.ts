/**
 * @module Tagged errors of floe/arraylake. Messages name the repo, ref or key involved and never a token;
 * `cause` keeps the library's original error for debugging.
 */
import { FloeError } from "../core/errors.ts";

/** A token that is neither `ema_...` nor a JWT. The message never contains the token. */
export class InvalidTokenError extends FloeError {
  readonly _tag = "InvalidTokenError" as const;
}

export class InvalidRepoNameError extends FloeError {
  readonly _tag = "InvalidRepoNameError" as const;
}

export class RepoNotFoundError extends FloeError {
  readonly _tag = "RepoNotFoundError" as const;
  readonly repo: string;
  constructor(repo: string, options?: { cause?: unknown }) {
    super(`repository "${repo}" not found`, options);
    this.repo = repo;
  }
}

/** `listRepos(org)` on an org the service does not know (or that the token cannot see). */
export class OrgNotFoundError extends FloeError {
  readonly _tag = "OrgNotFoundError" as const;
  readonly org: string;
  constructor(org: string) {
    super(`organization "${org}" not found on the Arraylake service (or not visible to this token)`);
    this.org = org;
  }
}

export class RepoExistsError extends FloeError {
  readonly _tag = "RepoExistsError" as const;
  readonly repo: string;
  constructor(repo: string) {
    super(`repository "${repo}" already exists`);
    this.repo = repo;
  }
}

/** A folder (or file) that holds no Icechunk repository. */
export class NotARepositoryError extends FloeError {
  readonly _tag = "NotARepositoryError" as const;
  readonly path: string;
  constructor(path: string, options?: { cause?: unknown }) {
    super(`"${path}" is not an Icechunk repository`, options);
    this.path = path;
  }
}

export type RefKind = "branch" | "tag" | "snapshot" | "ref";

/** Unknown branch, tag, snapshot id, or a `--ref` that matches none of them. */
export class RefNotFoundError extends FloeError {
  readonly _tag = "RefNotFoundError" as const;
  readonly repo: string;
  readonly kind: RefKind;
  readonly ref: string;
  constructor(repo: string, kind: RefKind, ref: string, options?: { cause?: unknown }) {
    super(`${kind} "${ref}" not found in repository "${repo}"`, options);
    this.repo = repo;
    this.kind = kind;
    this.ref = ref;
  }
}

/** The branch moved since the session started and Icechunk could not rebase onto it. */
export class CommitConflictError extends FloeError {
  readonly _tag = "CommitConflictError" as const;
  readonly repo: string;
  readonly branch: string;
  constructor(repo: string, branch: string, detail: string, options?: { cause?: unknown }) {
    super(`commit to branch "${branch}" of "${repo}" conflicts with a concurrent commit: ${detail}`, options);
    this.repo = repo;
    this.branch = branch;
  }
}

/** A task called `commit()` on a session that its `commit: "on-success"` run commits at its end. */
export class DeferredCommitError extends FloeError {
  readonly _tag = "DeferredCommitError" as const;
  constructor(repo: string) {
    super(`this pipeline commits on success: changes to "${repo}" are committed once, after every task succeeded; do not call commit() in a task`);
  }
}

/** The repository is valid Icechunk but this build of the library cannot open it; says why and what to do. */
export class UnsupportedRepositoryError extends FloeError {
  readonly _tag = "UnsupportedRepositoryError" as const;
  readonly repo: string;
  constructor(repo: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot open repository "${repo}": ${reason}`, options);
    this.repo = repo;
  }
}

/**
 * One chunk could not be read (typically a virtual reference to a location this process cannot reach);
 * other chunks of the same array stay readable.
 */
export class ChunkReadError extends FloeError {
  readonly _tag = "ChunkReadError" as const;
  readonly key: string;
  constructor(key: string, detail: string, options?: { cause?: unknown }) {
    super(
      `chunk "${key}" could not be read: ${detail} (if it is a virtual chunk, its location must be reachable; ` +
        "the WebAssembly build of Icechunk reads virtual chunks over HTTP(S) only, not s3://, gs:// or file://)",
      options,
    );
    this.key = key;
  }
}

/** A write to local storage failed (disk full, permissions); the repository is left as it was. */
export class StorageWriteError extends FloeError {
  readonly _tag = "StorageWriteError" as const;
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The Arraylake service could not be reached (DNS, refused connection, timeout), after retries. */
export class ServiceUnreachableError extends FloeError {
  readonly _tag = "ServiceUnreachableError" as const;
  readonly serviceUri: string;
  constructor(serviceUri: string, detail: string, options?: { cause?: unknown }) {
    super(`cannot reach the Arraylake service at ${serviceUri}: ${detail}`, options);
    this.serviceUri = serviceUri;
  }
}

/** The service answered 401 or 403: the token is invalid, expired or lacks access. Never names the token. */
export class TokenRejectedError extends FloeError {
  readonly _tag = "TokenRejectedError" as const;
  readonly status: number;
  constructor(serviceUri: string, status: number, what: string) {
    super(
      status === 401
        ? `the Arraylake service at ${serviceUri} rejected the token (401 Unauthorized) while ${what}; ` +
            "check ARRAYLAKE_TOKEN or arraylake.token in arraylake.config.ts (it may be expired or revoked)"
        : `the Arraylake token is not allowed to do this (403 Forbidden) while ${what}; ask an org admin for access`,
    );
    this.status = status;
  }
}

/** The service kept failing (429 or 5xx after bounded retries) or answered something floe does not understand. */
export class ServiceError extends FloeError {
  readonly _tag = "ServiceError" as const;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  constructor(message: string, status: number | undefined, requestId?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.requestId = requestId;
  }
}

/** Platforms that only the native build's own storages reach, by their name for people. */
const NATIVE_ONLY: Record<string, string> = { gs: "Google Cloud Storage", azure: "Azure Blob Storage" };

/**
 * The repository's bucket is on a platform this process cannot reach: GCS or Azure under Icechunk's WebAssembly
 * build (they need the native one), or a platform floe does not know. Says which build loaded and what to do.
 */
export class UnsupportedPlatformError extends FloeError {
  readonly _tag = "UnsupportedPlatformError" as const;
  readonly platform: string;
  readonly build: "native" | "wasm";
  constructor(repo: string, platform: string, build: "native" | "wasm") {
    const native = NATIVE_ONLY[platform];
    super(
      native && build === "wasm"
        ? `repository "${repo}" is stored on ${native} (platform "${platform}"), which this process cannot reach: ` +
            "it loaded the WebAssembly build of Icechunk, which has no GCS or Azure storage. Run floe where Node loads " +
            "Icechunk's native build (Linux x64 with glibc 2.38 or newer, e.g. Ubuntu 24.04 or Debian 13; macOS arm64; " +
            "Windows x64); S3 repositories work on both builds"
        : `repository "${repo}" is stored on platform "${platform}", which floe does not support ` +
            "(it reaches S3 and S3-compatible buckets on both Icechunk builds, GCS and Azure on the native build)",
    );
    this.platform = platform;
    this.build = build;
  }
}

/** Object storage refused or failed a request (not a conflict, not a missing object). */
export class ObjectStorageError extends FloeError {
  readonly _tag = "ObjectStorageError" as const;
  readonly status: number | undefined;
  readonly code: string | undefined;
  constructor(message: string, status: number | undefined, code: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = code;
  }
}

/** Any other failure of the Icechunk library, with the operation named. */
export class IcechunkError extends FloeError {
  readonly _tag = "IcechunkError" as const;
}

export type ArraylakeError =
  | InvalidTokenError
  | InvalidRepoNameError
  | RepoNotFoundError
  | RepoExistsError
  | OrgNotFoundError
  | NotARepositoryError
  | RefNotFoundError
  | CommitConflictError
  | UnsupportedRepositoryError
  | ChunkReadError
  | StorageWriteError
  | ServiceUnreachableError
  | TokenRejectedError
  | ServiceError
  | UnsupportedPlatformError
  | ObjectStorageError
  | IcechunkError;

const TAGS = new Set([
  "InvalidTokenError",
  "InvalidRepoNameError",
  "RepoNotFoundError",
  "RepoExistsError",
  "OrgNotFoundError",
  "NotARepositoryError",
  "RefNotFoundError",
  "CommitConflictError",
  "UnsupportedRepositoryError",
  "ChunkReadError",
  "StorageWriteError",
  "ServiceUnreachableError",
  "TokenRejectedError",
  "ServiceError",
  "UnsupportedPlatformError",
  "ObjectStorageError",
  "IcechunkError",
]);

export function isArraylakeError(value: unknown): value is ArraylakeError {
  return value instanceof FloeError && TAGS.has(value._tag);
}
