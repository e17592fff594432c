/**
 * @module An Icechunk `Storage` over an S3 (or S3-compatible) bucket prefix, for the WebAssembly build of
 * `@earthmover/icechunk`, which has no object stores of its own: our custom storage signs every request with
 * refreshable credentials and talks to the bucket directly.
 */
import { Storage } from "@earthmover/icechunk";
import { createS3Backend } from "./s3-backend.ts";
import { createS3Client, type S3ClientOptions } from "./s3-client.ts";

type CustomBackend = Parameters<typeof Storage.newCustom>[0];

export interface S3StorageOptions extends S3ClientOptions {
  readOnly?: boolean | undefined;
}

/**
 * @example
 * const storage = s3Storage({ bucket: "data", prefix: "repos/climate", region: "us-east-1", forcePathStyle: false,
 *   credentials: staticCredentials({ accessKeyId, secretAccessKey }) });
 * const repo = await Repository.open(storage);
 */
export function s3Storage(options: S3StorageOptions): Storage {
  const backend = createS3Backend(createS3Client(options), { readOnly: options.readOnly ?? false });
  // The callbacks take a leading null (Node's error-first convention) that the bundled typings omit.
  return Storage.newCustom(backend as unknown as CustomBackend);
}
