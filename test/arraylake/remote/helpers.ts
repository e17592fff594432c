/**
 * @module Remote test rig: the S3 test server (SigV4 checked) and the Arraylake contract server on loopback ports,
 * and the small array writes and reads the remote tests make through a repository's sessions.
 */
import { after } from "node:test";
import * as zarr from "zarrita";
import { Client, type ArraylakeRepo, type ClientOptions } from "../../../src/arraylake/index.ts";
import type { KeyRecord } from "../../fixtures/arraylake-service/s3-server.ts";
import { startS3Server } from "../../fixtures/arraylake-service/s3-server.ts";
import { startServiceServer, type AzureBucket, type ServiceServerOptions } from "../../fixtures/arraylake-service/service-server.ts";

export const TOKEN = "ema_floeTestToken_4f9a2c";
export const OTHER_TOKEN = "ema_floeOtherOrgOnly_77aa";

export interface RigOptions {
  credentialTtlMs?: number;
  expirationSkewMs?: number;
  bucketAuth?: "delegated" | "hmac";
  platform?: string;
  /** With `platform: "azure"`: the Azurite container the bucket is. */
  azure?: AzureBucket;
  maxKeys?: number;
}

/** Starts both servers (stopped after the test file) and returns them with a client factory. */
export async function startRig(options: RigOptions = {}) {
  const keys = new Map<string, KeyRecord>();
  const s3 = await startS3Server({ auth: keys, maxKeys: options.maxKeys });
  const serviceOptions: ServiceServerOptions = {
    s3,
    keys,
    tokens: { [TOKEN]: ["acme", "other"], [OTHER_TOKEN]: ["other"] },
    orgs: ["acme", "other"],
    ...(options.credentialTtlMs ? { credentialTtlMs: options.credentialTtlMs } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.azure ? { azure: options.azure } : {}),
    ...(options.expirationSkewMs ? { expirationSkewMs: options.expirationSkewMs } : {}),
    ...(options.bucketAuth ? { bucketAuth: options.bucketAuth } : {}),
  };
  const service = await startServiceServer(serviceOptions);
  const clients: Client[] = [];
  after(async () => {
    for (const c of clients) c.close();
    await service.close();
    await s3.close();
  });
  /** A client with the token, fast retries, pointed at the contract server. */
  const client = (extra: ClientOptions = {}): Client => {
    const c = new Client({
      env: {},
      token: TOKEN,
      serviceUri: service.url,
      ...extra,
      remote: { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 }, storageRetryBaseMs: 5, ...extra.remote },
    });
    clients.push(c);
    return c;
  };
  return { s3, service, keys, client };
}

export function ramp(n: number, offset = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => i * 0.5 + offset);
}

/** Creates a float32 array at `path` on main and commits it. */
export async function writeArray(repo: ArraylakeRepo, path: string, values: Float32Array, message: string, rebaseAttempts = 0): Promise<string> {
  const session = await repo.writableSession("main");
  const arr = await zarr.create(zarr.root(session.store).resolve(path), { shape: [values.length], dtype: "float32", chunkShape: [256] }); // 1 KiB chunks: above Icechunk's inline threshold
  await zarr.set(arr, null, { data: values, shape: [values.length], stride: [1] });
  return session.commit(message, { rebaseAttempts });
}

/** Overwrites the whole existing array at `path` on main and commits (two of these race in the conflict tests). */
export async function overwriteArray(repo: ArraylakeRepo, path: string, values: Float32Array, message: string): Promise<string> {
  const s = await repo.writableSession("main");
  const arr = await zarr.open(zarr.root(s.store).resolve(path), { kind: "array" });
  await zarr.set(arr, null, { data: values, shape: [values.length], stride: [1] });
  return s.commit(message, { rebaseAttempts: 2 });
}

export async function readArray(repo: ArraylakeRepo, path: string): Promise<number[]> {
  const s = await repo.readonlySession({ branch: "main" });
  return Array.from((await zarr.get(await zarr.open(zarr.root(s.store).resolve(path), { kind: "array" }))).data as Float32Array);
}
