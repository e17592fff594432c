/**
 * @module Every wire detail of the Arraylake REST API that floe uses, in one place. There is no public REST
 * reference: routes, headers and JSON shapes follow the published Python client (`arraylake`: its
 * `api_utils.py`, `metastore/http_metastore.py`, `types.py`, `credentials.py` and `client.py`). What is read
 * from that source and what is inferred is marked on each item; if the service changes, fix it here only.
 */
import { z } from "zod";
import { OrgNotFoundError, RepoExistsError, RepoNotFoundError, ServiceError } from "../errors.ts";
import type { AzureSas, GcsToken, S3Credentials } from "./credentials.ts";
import type { ServiceHttp } from "./service-http.ts";

/** Sent with every request, as the Python client does (`accept`), plus who we are (`client-name`, for debugging). */
export const SERVICE_HEADERS = {
  accept: "application/vnd.earthmover+json",
  "client-name": "floe",
  "client-version": "0.1.0",
} as const;

const seg = encodeURIComponent;

/** Routes, from the Python client's HttpMetastore. */
export const ROUTES = {
  listRepos: (org: string) => `/orgs/${seg(org)}/repos`,
  getRepo: (org: string, name: string) => `/repos/${seg(org)}/${seg(name)}`,
  createRepo: (org: string) => `/orgs/${seg(org)}/repos`,
  /** Note the asymmetry (`/orgs/{org}/{name}`, not `/repos/...`): that is what the Python client calls. */
  deleteRepo: (org: string, name: string) => `/orgs/${seg(org)}/${seg(name)}`,
  bucketCredentials: (org: string, name: string) => `/repos/${seg(org)}/${seg(name)}/bucket-credentials`,
} as const;

/** `BucketResponse` (types.py); `auth_config` is what decides how credentials are obtained. */
const bucketSchema = z.looseObject({
  nickname: z.string(),
  platform: z.string(),
  name: z.string(),
  prefix: z.string().default(""),
  extra_config: z.record(z.string(), z.union([z.string(), z.boolean(), z.number()])).default({}),
  auth_config: z
    .looseObject({
      method: z.string(),
      access_key_id: z.string().optional(),
      secret_access_key: z.string().optional(),
      /** `AzureDelegatedCredentialsAuth`: the storage account that holds the container. */
      storage_account: z.string().optional(),
    })
    .nullish(),
});

/** `Repo` (types.py). `prefix` is the repository's full key prefix in the bucket (passed to Icechunk as is). */
const repoSchema = z.looseObject({
  org: z.string(),
  name: z.string(),
  prefix: z.string().default(""),
  description: z.string().nullish(),
  kind: z.string().default("icechunk"),
  bucket: bucketSchema.nullish(),
  status: z.looseObject({ mode: z.string() }).nullish(),
  /** A marketplace subscription has no bucket of its own: it reads its parent's (as the Python client does). */
  subscription: z
    .looseObject({ parent_repo: z.looseObject({ prefix: z.string().default(""), bucket: bucketSchema.nullish() }).nullish() })
    .nullish(),
});

/** The body of `GET .../bucket-credentials`: one route, a shape per platform (types.py). */
const s3CredentialsSchema = z.looseObject({
  aws_access_key_id: z.string(),
  aws_secret_access_key: z.string(),
  aws_session_token: z.string().nullish(),
  expiration: z.string().nullish(),
});
/** `GSCredentials`: an OAuth2 access token. */
const gcsCredentialsSchema = z.looseObject({ access_token: z.string(), principal: z.string().optional(), expiration: z.string().nullish() });
/** `AzureCredentials`: a user-delegation SAS token for the container. */
const azureCredentialsSchema = z.looseObject({ sas_token: z.string(), storage_account: z.string(), expiration: z.string().nullish() });

/** Inferred: `expiration` is an ISO 8601 datetime; without a zone it is UTC (the Python client assumes UTC). */
function expiry(expiration: string | null | undefined): Date | undefined {
  if (!expiration) return undefined;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(expiration) ? expiration : `${expiration}Z`);
}

export type CredentialMode = "delegated" | "hmac" | "anonymous";

export interface BucketInfo {
  nickname: string;
  /** `s3`, `s3-compatible`, `minio`, `gs`, `azure` */
  platform: string;
  /** The bucket, or the container on Azure. */
  name: string;
  /** Azure only: the storage account holding the container (`auth_config.storage_account`). */
  account: string | undefined;
  region: string | undefined;
  endpoint: string | undefined;
  forcePathStyle: boolean;
  credentials: CredentialMode;
  hmac: S3Credentials | undefined;
}

export interface RemoteRepoInfo {
  org: string;
  name: string;
  prefix: string;
  kind: string;
  description: string | undefined;
  /** `online`, `maintenance` or `offline` */
  mode: string;
  bucket: BucketInfo | undefined;
}

/** Delegated methods, from `_use_delegated_credentials` in the Python client. */
const DELEGATED = new Set(["customer_managed_role", "aws_customer_managed_role", "gcp_customer_managed_role", "r2_customer_managed_role", "azure_credential_delegation"]);

function toBucket(b: z.infer<typeof bucketSchema>): BucketInfo {
  const extra = b.extra_config;
  const useSsl = extra.use_ssl === undefined ? true : extra.use_ssl === true || extra.use_ssl === "true";
  const forcePathStyle = extra.force_path_style === undefined ? !useSsl : extra.force_path_style === true || extra.force_path_style === "true";
  const method = b.auth_config?.method ?? "anonymous";
  const hmac =
    method === "hmac" && b.auth_config?.access_key_id && b.auth_config.secret_access_key
      ? { accessKeyId: b.auth_config.access_key_id, secretAccessKey: b.auth_config.secret_access_key }
      : undefined;
  return {
    nickname: b.nickname,
    platform: b.platform,
    name: b.name,
    account: b.auth_config?.storage_account,
    region: typeof extra.region_name === "string" && extra.region_name ? extra.region_name : undefined,
    endpoint: typeof extra.endpoint_url === "string" && extra.endpoint_url ? extra.endpoint_url : undefined,
    forcePathStyle,
    credentials: DELEGATED.has(method) ? "delegated" : method === "hmac" ? "hmac" : "anonymous",
    hmac,
  };
}

function toRepo(r: z.infer<typeof repoSchema>): RemoteRepoInfo {
  const parent = !r.bucket ? r.subscription?.parent_repo : undefined;
  const bucket = r.bucket ?? parent?.bucket;
  return {
    org: r.org,
    name: r.name,
    prefix: (parent?.bucket ? parent.prefix : r.prefix).replace(/^\/+|\/+$/g, ""),
    kind: r.kind,
    description: r.description ?? undefined,
    mode: r.status?.mode ?? "online",
    bucket: bucket ? toBucket(bucket) : undefined,
  };
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ServiceError(`unexpected reply from the Arraylake service while ${what}: ${issue?.path.join(".") || "body"}: ${issue?.message}`, 200);
  }
  return result.data;
}

function other(status: number, body: unknown, what: string): ServiceError {
  const detail = body && typeof body === "object" && "detail" in body ? JSON.stringify((body as { detail: unknown }).detail) : "";
  return new ServiceError(`the Arraylake service answered HTTP ${status} while ${what}${detail ? `: ${detail.slice(0, 300)}` : ""}`, status);
}

export interface CreateRepoRequest {
  bucketNickname?: string | undefined;
  prefix?: string | undefined;
  description?: string | undefined;
}

/** The calls floe makes, each mapping the service's statuses to tagged errors. */
export function createServiceApi(http: ServiceHttp) {
  const credentials = async <T>(org: string, name: string, schema: z.ZodType<T>): Promise<T> => {
    const what = `fetching storage credentials for "${org}/${name}"`;
    const r = await http.request("GET", ROUTES.bucketCredentials(org, name), what);
    if (r.status === 404) throw new RepoNotFoundError(`${org}/${name}`);
    if (r.status !== 200) throw other(r.status, r.body, what);
    return parse(schema, r.body, what);
  };

  return {
    async listRepos(org: string): Promise<RemoteRepoInfo[]> {
      const what = `listing repositories of "${org}"`;
      const r = await http.request("GET", ROUTES.listRepos(org), what);
      if (r.status === 404) throw new OrgNotFoundError(org);
      if (r.status !== 200) throw other(r.status, r.body, what);
      return parse(z.array(repoSchema), r.body, what).map(toRepo);
    },

    async getRepo(org: string, name: string): Promise<RemoteRepoInfo> {
      const what = `looking up repository "${org}/${name}"`;
      const r = await http.request("GET", ROUTES.getRepo(org, name), what);
      if (r.status === 404) throw new RepoNotFoundError(`${org}/${name}`);
      if (r.status !== 200) throw other(r.status, r.body, what);
      return toRepo(parse(repoSchema, r.body, what));
    },

    /** `RepoCreateBody` with `create_mode: "register"`: the service records it; the client then creates the Icechunk repository. */
    async createRepo(org: string, name: string, req: CreateRepoRequest = {}): Promise<RemoteRepoInfo> {
      const what = `creating repository "${org}/${name}"`;
      const body = {
        name,
        kind: "icechunk",
        create_mode: "register",
        ...(req.bucketNickname ? { bucket_nickname: req.bucketNickname } : {}),
        ...(req.prefix ? { prefix: req.prefix } : {}),
        ...(req.description ? { description: req.description } : {}),
      };
      const r = await http.request("POST", ROUTES.createRepo(org), what, body);
      if (r.status === 409) throw new RepoExistsError(`${org}/${name}`);
      if (r.status === 404) throw new OrgNotFoundError(org);
      if (r.status !== 200 && r.status !== 201) throw other(r.status, r.body, what);
      return toRepo(parse(repoSchema, r.body, what));
    },

    async deleteRepo(org: string, name: string): Promise<void> {
      const what = `deleting repository "${org}/${name}"`;
      const r = await http.request("DELETE", ROUTES.deleteRepo(org, name), what);
      if (r.status === 404) throw new RepoNotFoundError(`${org}/${name}`);
      if (r.status >= 300) throw other(r.status, r.body, what);
    },

    /** Temporary S3 credentials scoped to the repository's prefix (delegated buckets only). */
    async bucketCredentials(org: string, name: string): Promise<S3Credentials> {
      const c = await credentials(org, name, s3CredentialsSchema);
      return { accessKeyId: c.aws_access_key_id, secretAccessKey: c.aws_secret_access_key, sessionToken: c.aws_session_token ?? undefined, expiresAt: expiry(c.expiration) };
    },

    /** A temporary GCS access token (delegated `gs` buckets). */
    async gcsCredentials(org: string, name: string): Promise<GcsToken> {
      const c = await credentials(org, name, gcsCredentialsSchema);
      return { bearer: c.access_token, expiresAt: expiry(c.expiration) };
    },

    /** A temporary SAS token for the repository's container (delegated `azure` buckets). */
    async azureCredentials(org: string, name: string): Promise<AzureSas> {
      const c = await credentials(org, name, azureCredentialsSchema);
      return { sasToken: c.sas_token, account: c.storage_account, expiresAt: expiry(c.expiration) };
    },
  };
}

export type ServiceApi = ReturnType<typeof createServiceApi>;
