/**
 * @module floe/arraylake: the Arraylake client over the official Icechunk library. Local repositories are
 * the embedded default; sessions' stores work directly with zarrita.
 *
 * @example
 * import { Client } from "floe/arraylake";
 * import * as zarr from "zarrita";
 * const repo = await new Client().getOrCreateRepo("acme/climate");
 * const session = await repo.writableSession("main");
 * await zarr.create(zarr.root(session.store).resolve("t2m"), { shape: [10], dtype: "float32", chunkShape: [5] });
 * const snapshotId = await session.commit("add t2m");
 */
export { Client, DEFAULT_SERVICE_URI, type ClientOptions, type RepoListing } from "./client.ts";
export { clientFromConfig } from "./config.ts";
export type { ArraylakeClient } from "./client-like.ts";
export { ArraylakeRepo, type RefSpec, type ResolvedRef, type SnapshotInfo } from "./repo.ts";
export { RepoSession, LineageObserverError, type CommitOptions } from "./session.ts";
export { SessionStore } from "./store.ts";
export { DeferredCommitError } from "./errors.ts";
export { createRunTransaction, type RunTransaction, type CommittedSession } from "./transaction.ts";
export type { LineageObserver, ReadEvent, CommitEvent } from "./lineage.ts";
export { validateToken } from "./token.ts";
export { parseRepoTarget, type RepoTarget } from "./names.ts";
export { localStorage } from "./local/fs-storage.ts";
export { s3Storage, type S3StorageOptions } from "./remote/s3-storage.ts";
export { staticCredentials, refreshingCredentials, anonymousCredentials, type S3Credentials, type CredentialSource } from "./remote/credentials.ts";
export type { RemoteSettings } from "./remote/remote-backend.ts";
export {
  InvalidTokenError,
  InvalidRepoNameError,
  RepoNotFoundError,
  RepoExistsError,
  OrgNotFoundError,
  NotARepositoryError,
  RefNotFoundError,
  CommitConflictError,
  UnsupportedRepositoryError,
  ChunkReadError,
  StorageWriteError,
  ServiceUnreachableError,
  TokenRejectedError,
  ServiceError,
  UnsupportedPlatformError,
  ObjectStorageError,
  IcechunkError,
  isArraylakeError,
  type ArraylakeError,
  type RefKind,
} from "./errors.ts";
