/**
 * @module The callbacks behind `Storage.newCustom` for a repository under a prefix of an S3 bucket: the same
 * interface as the local filesystem backend, with conditional writes done by S3 itself (`If-None-Match: *`
 * to create, `If-Match: <etag>` to update; 412 means someone else got there first, so a commit race ends in
 * a conflict or a rebase, never a lost commit).
 */
import type {
  StorageCopyObjectArgs,
  StorageDeleteBatchArgs,
  StorageDeleteObjectsResult,
  StorageGetModifiedResult,
  StorageGetObjectConditionalArgs,
  StorageGetObjectRangeArgs,
  StorageGetObjectResponse,
  StorageListInfo,
  StoragePutObjectArgs,
  StorageVersionedUpdateResult,
} from "@earthmover/icechunk";
import { encodeKey, unexpected, type S3Client } from "./s3-client.ts";

const NOT_UPDATED: StorageVersionedUpdateResult = { kind: "not_on_latest_version" };
/** 412: the precondition failed; 409: a concurrent conditional write to the same key is in flight (AWS). */
const LOST_RACE = new Set([409, 412]);

/** Icechunk recognises a missing object by this message prefix. */
function notFound(key: string): Error {
  return new Error(`ObjectNotFound: ${key}`);
}

function xmlText(value: string): string {
  return value.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_m, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" } as Record<string, string>)[name]!;
  });
}

/** Contents entries and the continuation token of one ListObjectsV2 page. */
export function parseListPage(xml: string): { items: { key: string; lastModified: string; size: number }[]; next: string | undefined } {
  const items: { key: string; lastModified: string; size: number }[] = [];
  for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const block = m[1]!;
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(block)?.[1];
    const lastModified = /<LastModified>([^<]*)<\/LastModified>/.exec(block)?.[1] ?? "";
    const size = Number(/<Size>(\d+)<\/Size>/.exec(block)?.[1] ?? 0);
    if (key !== undefined) items.push({ key: xmlText(key), lastModified, size });
  }
  const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
  const token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
  return { items, next: truncated && token ? xmlText(token) : undefined };
}

export type S3Backend = ReturnType<typeof createS3Backend>;

/** The storage callbacks (error-first: the first argument is always null) for `client`'s bucket and prefix. */
export function createS3Backend(client: S3Client, options: { readOnly?: boolean } = {}) {
  const prefix = client.location.prefix.replace(/^\/+|\/+$/g, "");
  const full = (path: string): string => (prefix ? `${prefix}/${path}` : path);
  const guardWrite = (key: string): void => {
    if (options.readOnly) throw new Error(`read-only storage: cannot write "${key}"`);
  };

  return {
    canWrite: async (_: null): Promise<boolean> => !options.readOnly,

    getObjectRange: async (_: null, args: StorageGetObjectRangeArgs): Promise<StorageGetObjectResponse> => {
      const headers: Record<string, string> = {};
      if (args.rangeStart != null || args.rangeEnd != null) {
        const start = args.rangeStart ?? 0;
        if (args.rangeEnd != null && args.rangeEnd <= start) return { data: Buffer.alloc(0), version: {} };
        headers.range = `bytes=${start}-${args.rangeEnd != null ? args.rangeEnd - 1 : ""}`;
      }
      const reply = await client.send("GET", full(args.path), { headers });
      if (reply.status === 404) throw notFound(args.path);
      if (reply.status === 416) return { data: Buffer.alloc(0), version: {} };
      if (reply.status !== 200 && reply.status !== 206) throw unexpected(reply, `GET ${args.path}`);
      const etag = reply.headers.get("etag") ?? undefined;
      return { data: reply.data, version: etag ? { etag } : {} };
    },

    putObject: async (_: null, args: StoragePutObjectArgs): Promise<StorageVersionedUpdateResult> => {
      guardWrite(args.path);
      const headers: Record<string, string> = { "content-type": args.contentType ?? "application/octet-stream" };
      for (const { key, value } of args.metadata) headers[`x-amz-meta-${key.toLowerCase()}`] = value;
      const previous = args.previousVersion;
      if (previous?.etag !== undefined) headers["if-match"] = previous.etag;
      else if (previous) headers["if-none-match"] = "*";
      // The bytes are a view of WebAssembly (shared) memory: copy them before anything awaits.
      const body = Buffer.from(args.data);
      const reply = await client.send("PUT", full(args.path), { headers, body });
      if (previous && LOST_RACE.has(reply.status)) return NOT_UPDATED;
      if (reply.status !== 200) throw unexpected(reply, `PUT ${args.path}`);
      const etag = reply.headers.get("etag") ?? undefined;
      return { kind: "updated", newVersion: etag ? { etag } : {} };
    },

    copyObject: async (_: null, args: StorageCopyObjectArgs): Promise<StorageVersionedUpdateResult> => {
      guardWrite(args.to);
      const headers: Record<string, string> = { "x-amz-copy-source": `/${client.location.bucket}/${encodeKey(full(args.from))}` };
      if (args.version.etag !== undefined) headers["x-amz-copy-source-if-match"] = args.version.etag;
      if (args.contentType) headers["content-type"] = args.contentType;
      const reply = await client.send("PUT", full(args.to), { headers });
      if (reply.status === 404) throw notFound(args.from);
      if (LOST_RACE.has(reply.status)) return NOT_UPDATED;
      if (reply.status !== 200 || /<Error>/.test(reply.data.toString("utf8", 0, 200))) throw unexpected(reply, `COPY ${args.from}`);
      const etag = /<ETag>([^<]*)<\/ETag>/.exec(reply.data.toString("utf8"))?.[1];
      return { kind: "updated", newVersion: etag ? { etag: xmlText(etag) } : args.version };
    },

    listObjects: async (_: null, listPrefix: string): Promise<StorageListInfo[]> => {
      const trimmed = listPrefix.replace(/^\/+|\/+$/g, "");
      const base = trimmed ? `${full(trimmed)}/` : prefix ? `${prefix}/` : "";
      const out: StorageListInfo[] = [];
      let token: string | undefined;
      do {
        const query: Record<string, string> = { "list-type": "2", prefix: base };
        if (token) query["continuation-token"] = token;
        const reply = await client.send("GET", "", { query });
        if (reply.status !== 200) throw unexpected(reply, `LIST ${trimmed || "/"}`);
        const page = parseListPage(reply.data.toString("utf8"));
        for (const item of page.items) {
          out.push({ id: item.key.slice(base.length), createdAt: new Date(item.lastModified), sizeBytes: item.size });
        }
        token = page.next;
      } while (token);
      return out;
    },

    deleteBatch: async (_: null, args: StorageDeleteBatchArgs): Promise<StorageDeleteObjectsResult> => {
      guardWrite(args.prefix);
      let deletedObjects = 0;
      let deletedBytes = 0;
      const queue = [...args.batch];
      // A few DELETEs at a time: object stores take them in parallel, and this needs no Content-MD5.
      const worker = async (): Promise<void> => {
        for (let item = queue.shift(); item; item = queue.shift()) {
          const key = args.prefix ? `${args.prefix.replace(/\/+$/, "")}/${item.id}` : item.id;
          const reply = await client.send("DELETE", full(key));
          if (reply.status === 204 || reply.status === 200) {
            deletedObjects += 1;
            deletedBytes += item.size;
          } else if (reply.status !== 404) throw unexpected(reply, `DELETE ${key}`);
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
      return { deletedObjects, deletedBytes };
    },

    getObjectLastModified: async (_: null, path: string): Promise<Date> => {
      const reply = await client.send("HEAD", full(path));
      if (reply.status === 404) throw notFound(path);
      if (reply.status !== 200) throw unexpected(reply, `HEAD ${path}`);
      const modified = reply.headers.get("last-modified");
      if (!modified) throw new Error(`no Last-Modified for ${path}`);
      return new Date(modified);
    },

    getObjectConditional: async (_: null, args: StorageGetObjectConditionalArgs): Promise<StorageGetModifiedResult> => {
      const headers: Record<string, string> = {};
      if (args.previousVersion?.etag !== undefined) headers["if-none-match"] = args.previousVersion.etag;
      const reply = await client.send("GET", full(args.path), { headers });
      if (reply.status === 304) return { kind: "on_latest_version" };
      if (reply.status === 404) throw notFound(args.path);
      if (reply.status !== 200) throw unexpected(reply, `GET ${args.path}`);
      const etag = reply.headers.get("etag") ?? undefined;
      return { kind: "modified", data: reply.data, newVersion: etag ? { etag } : {} };
    },
  };
}
