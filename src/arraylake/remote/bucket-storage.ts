/**
 * @module Which Icechunk storage serves a repository the Arraylake service described, on the build this process
 * loaded. S3 and S3-compatible buckets: floe's own S3 storage on both builds (it refreshes credentials as soon as
 * storage rejects them as expired, which the library's does not; see ARCHITECTURE.md). GCS and Azure:
 * the library's own storages, which only the native build has; the WebAssembly build gets an
 * {@link UnsupportedPlatformError} saying what to do.
 */
import type { Storage } from "@earthmover/icechunk";
import type { IcechunkBuild } from "../build.ts";
import { ServiceError, UnsupportedPlatformError } from "../errors.ts";
import { anonymousCredentials, refreshingCredentials, staticCredentials, type CredentialSource } from "./credentials.ts";
import { azureStorage, gcsStorage } from "./library-storage.ts";
import { s3Storage } from "./s3-storage.ts";
import type { RemoteRepoInfo, ServiceApi } from "./service-api.ts";

export const S3_PLATFORMS = new Set(["s3", "s3c", "s3-compatible", "minio"]);

/** Tuning of storage access; defaults suit real buckets. */
export interface StorageSettings {
  /** Refresh vended credentials when fewer than this many ms remain; default 5 minutes. */
  credentialRefreshMarginMs?: number | undefined;
  /** Retries of object-storage throttling / 5xx, and their first backoff (floe's S3 storage). */
  storageRetries?: number | undefined;
  storageRetryBaseMs?: number | undefined;
  fetch?: typeof fetch | undefined;
}

export interface BucketStorageContext {
  api: ServiceApi;
  build: IcechunkBuild;
  settings: StorageSettings;
}

function s3CredentialsFor(info: RemoteRepoInfo, ctx: BucketStorageContext): CredentialSource {
  const bucket = info.bucket!;
  if (bucket.credentials === "hmac" && bucket.hmac) return staticCredentials(bucket.hmac);
  if (bucket.credentials !== "delegated") return anonymousCredentials;
  // One refreshing source per opened repository: its sessions share the credentials and their refreshes.
  return refreshingCredentials(() => ctx.api.bucketCredentials(info.org, info.name), { marginMs: ctx.settings.credentialRefreshMarginMs });
}

/** Vended credentials of a delegated bucket, refreshed by one source; undefined for anonymous access. */
function delegated<C extends { expiresAt?: Date | undefined }>(info: RemoteRepoInfo, ctx: BucketStorageContext, fetch: () => Promise<C>) {
  return info.bucket!.credentials === "delegated" ? refreshingCredentials(fetch, { marginMs: ctx.settings.credentialRefreshMarginMs }) : undefined;
}

/**
 * The Icechunk storage for a repository the service described.
 * @example
 * const storage = await storageForRepo(await api.getRepo("acme", "climate"), { api, build: icechunkBuild(), settings: {} });
 */
export async function storageForRepo(info: RemoteRepoInfo, ctx: BucketStorageContext): Promise<Storage> {
  const id = `${info.org}/${info.name}`;
  const bucket = info.bucket;
  if (!bucket) throw new ServiceError(`repository "${id}" has no bucket configured on the Arraylake service`, undefined);
  const platform = bucket.platform;
  const s3 = S3_PLATFORMS.has(platform);
  if (!s3 && (ctx.build === "wasm" || (platform !== "gs" && platform !== "azure"))) throw new UnsupportedPlatformError(id, platform, ctx.build);
  if (info.mode === "offline") throw new ServiceError(`repository "${id}" is offline on the Arraylake service; try again later`, undefined);
  if (s3) {
    return s3Storage({
      bucket: bucket.name,
      prefix: info.prefix,
      region: bucket.region ?? "us-east-1",
      endpoint: bucket.endpoint,
      forcePathStyle: bucket.forcePathStyle,
      credentials: s3CredentialsFor(info, ctx),
      retries: ctx.settings.storageRetries,
      retryBaseMs: ctx.settings.storageRetryBaseMs,
      fetch: ctx.settings.fetch,
    });
  }
  if (platform === "gs") {
    return gcsStorage({ bucket: bucket.name, prefix: info.prefix, endpoint: bucket.endpoint, credentials: delegated(info, ctx, () => ctx.api.gcsCredentials(info.org, info.name)) });
  }
  if (!bucket.account) {
    throw new ServiceError(`repository "${id}" is on Azure but its bucket names no storage account (auth_config.storage_account)`, undefined);
  }
  return azureStorage({
    account: bucket.account,
    container: bucket.name,
    prefix: info.prefix,
    endpoint: bucket.endpoint,
    credentials: delegated(info, ctx, () => ctx.api.azureCredentials(info.org, info.name)),
  });
}

/** `s3://bucket/prefix`, `gs://bucket/prefix`, `az://container/prefix` (Azure as the Python client and fsspec write it). */
export function locationOf(info: RemoteRepoInfo): string {
  const b = info.bucket;
  if (!b) return `arraylake://${info.org}/${info.name}`;
  const scheme = S3_PLATFORMS.has(b.platform) ? "s3" : b.platform === "azure" ? "az" : b.platform;
  return `${scheme}://${b.name}/${info.prefix}`;
}
