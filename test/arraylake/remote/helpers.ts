/** @module Remote test rig: the S3 test server (SigV4 checked) and the Arraylake contract server on loopback ports. */
import { after } from "node:test";
import { Client, type ClientOptions } from "../../../src/arraylake/index.ts";
import type { KeyRecord } from "../../fixtures/arraylake-service/s3-server.ts";
import { startS3Server } from "../../fixtures/arraylake-service/s3-server.ts";
import { startServiceServer, type ServiceServerOptions } from "../../fixtures/arraylake-service/service-server.ts";

export const TOKEN = "ema_floeTestToken_4f9a2c";
export const OTHER_TOKEN = "ema_floeOtherOrgOnly_77aa";

export interface RigOptions {
  credentialTtlMs?: number;
  expirationSkewMs?: number;
  bucketAuth?: "delegated" | "hmac";
  platform?: string;
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
