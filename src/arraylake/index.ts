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
 *
 * Pinned by test/public-surface.test.ts. Internals (storages, the run transaction, config wiring) are
 * imported from their modules inside floe, never through this surface.
 */
export { Client, type ClientOptions, type RepoListing } from "./client.ts";
export type { ArraylakeClient } from "./client-like.ts";
export { ArraylakeRepo, type RefSpec, type ResolvedRef, type SnapshotInfo } from "./repo.ts";
export { RepoSession, LineageObserverError, type CommitOptions } from "./session.ts";
export type { SessionStore } from "./store.ts";
export type { LineageObserver, ReadEvent, CommitEvent } from "./lineage.ts";
export type { RemoteSettings } from "./remote/remote-backend.ts";
export {
  DeferredCommitError,
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
