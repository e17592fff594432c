/**
 * @module Icechunk's own object stores, which only its native build has (`newAzureBlob`, `newGcsWithRefreshableCredentials`,
 * `newS3WithRefreshableCredentials`): floe's credential sources mapped onto their constructors. The library
 * talks to the bucket itself (Rust's object_store / AWS SDK); floe only vends credentials.
 * @example
 * const storage = await azureStorage({ account: "acct", container: "data", prefix: "repos/climate",
 *   credentials: refreshingCredentials(() => api.azureCredentials("acme", "climate")) });
 */
import { Storage, type AzureCredentials, type S3Options, type S3StaticCredentials } from "@earthmover/icechunk";
import type { AzureSas, CredentialSource, Expiring, GcsToken, S3Credentials } from "./credentials.ts";
import type { S3Location } from "./s3-client.ts";

export interface AzureStorageOptions {
  account: string;
  container: string;
  prefix: string;
  /** The account URL, e.g. Azurite's `http://127.0.0.1:10000/devstoreaccount1`; default `https://<account>.blob.core.windows.net`. */
  endpoint?: string | undefined;
  /** undefined: anonymous (a public container). */
  credentials: CredentialSource<AzureSas> | undefined;
}

/**
 * Icechunk 2.2's binding takes a static SAS only (no refresh callback for Azure, as in the Python client): the
 * token is fetched once per open, so an open repository works until that token expires.
 */
export async function azureStorage(options: AzureStorageOptions): Promise<Storage> {
  const sas = await options.credentials?.get();
  const credentials: AzureCredentials = sas ? { type: "Static", field0: { type: "SasToken", field0: sas.sasToken } } : { type: "Anonymous" };
  return Storage.newAzureBlob(options.account, options.container, options.prefix, credentials, endpointConfig(options.endpoint, "endpoint"));
}

/** object_store's config for an endpoint override (`key`), with `allow_http` for a plain-HTTP emulator. */
function endpointConfig(endpoint: string | undefined, key: "endpoint" | "base_url"): Record<string, string> {
  if (!endpoint) return {};
  return { [key]: endpoint.replace(/\/+$/, ""), ...(endpoint.startsWith("http://") ? { allow_http: "true" } : {}) };
}

export interface GcsStorageOptions {
  bucket: string;
  prefix: string;
  /** object_store's `base_url` (an emulator's); default Google's endpoint. */
  endpoint?: string | undefined;
  /** undefined: anonymous (a public bucket). */
  credentials: CredentialSource<GcsToken> | undefined;
}

/**
 * The binding calls a refresh callback for a value, not a Promise, whatever its typings say: an async callback
 * fails the first request with "object store error dispatch failure" (icechunk 2.2.2, seen on the native build).
 * So the first credentials are fetched before the storage is made, and the callback hands back the newest it
 * has while `source` fetches newer ones in the background (the library asks again until they arrive).
 */
async function refresher<C extends Expiring, T>(source: CredentialSource<C>, what: string, convert: (c: C) => T) {
  const first = await source.get();
  if (!first) throw new Error(`no ${what} were vended`);
  let latest = first;
  let pending: Promise<void> | undefined;
  const callback = (): T => {
    pending ??= source.get().then(
      (c) => {
        if (c) latest = c;
        pending = undefined;
      },
      () => {
        pending = undefined;
      },
    );
    return convert(latest);
  };
  return { initial: convert(first), callback: callback as unknown as () => Promise<T> };
}

/** Bearer tokens from `credentials`, asked for again by the library when the one it holds is about to expire. */
export async function gcsStorage(options: GcsStorageOptions): Promise<Storage> {
  const config = endpointConfig(options.endpoint, "base_url");
  if (!options.credentials) return Storage.newGcs(options.bucket, options.prefix, { type: "Anonymous" }, config);
  const bearer = (t: GcsToken) => (t.expiresAt ? { bearer: t.bearer, expiresAfter: t.expiresAt } : { bearer: t.bearer });
  const { initial, callback } = await refresher(options.credentials, "GCS tokens", bearer);
  return Storage.newGcsWithRefreshableCredentials(options.bucket, options.prefix, callback, initial, config);
}

export interface LibraryS3Options extends S3Location {
  /** undefined: anonymous (a public bucket). */
  credentials: CredentialSource<S3Credentials> | undefined;
}

function staticS3(c: S3Credentials): S3StaticCredentials {
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    ...(c.expiresAt ? { expiresAfter: c.expiresAt } : {}),
  };
}

/** The native build's S3 storage (the AWS SDK for Rust), with the same credential source as floe's own. */
export async function libraryS3Storage(options: LibraryS3Options): Promise<Storage> {
  const s3Options: S3Options = {
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint ? { endpointUrl: options.endpoint, allowHttp: options.endpoint.startsWith("http://") } : {}),
  };
  if (!options.credentials) return Storage.newS3(options.bucket, options.prefix, { type: "Anonymous" }, s3Options);
  const { initial, callback } = await refresher(options.credentials, "S3 credentials", staticS3);
  return Storage.newS3WithRefreshableCredentials(options.bucket, options.prefix, callback, initial, s3Options);
}
