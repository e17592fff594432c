/**
 * @module The callbacks behind `Storage.newCustom` for a repository folder on the local filesystem, with
 * the object layout of Icechunk's own local storage and real conditional updates: a create succeeds only if
 * the object is absent, an update only if the object is still at the version the writer read (compared
 * under a cross-process lock). That is what makes a commit race end in a conflict, never a lost commit.
 */
import { open, readdir, stat, unlink } from "node:fs/promises";
import type { Dirent } from "node:fs";
import { join } from "node:path";
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
import { createExclusively, etagOf, replaceAtomically } from "./atomic.ts";
import { isInFlightName, keyToPath, lockPathFor } from "./paths.ts";
import { withLock } from "./lock.ts";

export interface FsBackendOptions {
  /** Refuse every write (fixtures, read-only views). */
  readOnly?: boolean;
  /** fsync data before it becomes visible; default true. */
  durable?: boolean;
  /** Rewrites an object's bytes as read (used for the spec-1 config view); never applied to writes. */
  transformRead?: (key: string, data: Buffer) => Buffer;
}

const NOT_UPDATED: StorageVersionedUpdateResult = { kind: "not_on_latest_version" };

/** Icechunk recognises a missing object by this message prefix. */
function notFound(key: string): Error {
  return new Error(`ObjectNotFound: ${key}`);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Reads a whole file or a byte range, with the version of exactly the bytes returned. */
async function readVersioned(path: string, start?: number, end?: number): Promise<{ data: Buffer; etag: string }> {
  const handle = await open(path, "r");
  try {
    const info = await handle.stat({ bigint: true });
    const size = Number(info.size);
    const from = Math.min(start ?? 0, size);
    const to = Math.min(end ?? size, size);
    const data = Buffer.allocUnsafe(to - from);
    let done = 0;
    while (done < data.length) {
      const { bytesRead } = await handle.read(data, done, data.length - done, from + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return { data: done === data.length ? data : data.subarray(0, done), etag: etagOf(info) };
  } finally {
    await handle.close();
  }
}

async function walk(dir: string, rel: string, out: StorageListInfo[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    if (isInFlightName(entry.name)) continue;
    const id = rel ? `${rel}/${entry.name}` : entry.name;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, id, out);
    else if (entry.isFile()) {
      const info = await stat(full).catch(() => undefined);
      if (info) out.push({ id, createdAt: info.mtime, sizeBytes: info.size });
    }
  }
}

export type FsBackend = ReturnType<typeof createFsBackend>;

/** The storage callbacks for the repository folder `root` (error-first: the first argument is always null). */
export function createFsBackend(root: string, options: FsBackendOptions = {}) {
  const durable = options.durable ?? true;
  const readOnly = options.readOnly ?? false;
  const transform = options.transformRead;
  const guardWrite = (key: string): void => {
    if (readOnly) throw new Error(`read-only storage: cannot write "${key}"`);
  };

  const putObject = async (_: null, args: StoragePutObjectArgs): Promise<StorageVersionedUpdateResult> => {
    guardWrite(args.path);
    const path = keyToPath(root, args.path);
    const previous = args.previousVersion;
    if (!previous) return { kind: "updated", newVersion: { etag: await replaceAtomically(path, args.data, { durable }) } };
    if (previous.etag === undefined && previous.generation === undefined) {
      const etag = await createExclusively(path, args.data, { durable });
      return etag === undefined ? NOT_UPDATED : { kind: "updated", newVersion: { etag } };
    }
    return withLock(lockPathFor(path), async () => {
      const current = await stat(path, { bigint: true }).catch((error: unknown) => {
        if (isMissing(error)) return undefined;
        throw error;
      });
      if (!current || etagOf(current) !== previous.etag) return NOT_UPDATED;
      return { kind: "updated", newVersion: { etag: await replaceAtomically(path, args.data, { durable }) } };
    });
  };

  return {
    canWrite: async (_: null): Promise<boolean> => !readOnly,

    getObjectRange: async (_: null, args: StorageGetObjectRangeArgs): Promise<StorageGetObjectResponse> => {
      try {
        const { data, etag } = await readVersioned(keyToPath(root, args.path), args.rangeStart, args.rangeEnd);
        return { data: transform ? transform(args.path, data) : data, version: { etag } };
      } catch (error) {
        if (isMissing(error)) throw notFound(args.path);
        throw error;
      }
    },

    putObject,

    copyObject: async (_: null, args: StorageCopyObjectArgs): Promise<StorageVersionedUpdateResult> => {
      guardWrite(args.to);
      let source: { data: Buffer; etag: string };
      try {
        source = await readVersioned(keyToPath(root, args.from));
      } catch (error) {
        if (isMissing(error)) throw notFound(args.from);
        throw error;
      }
      // A versioned copy backs up exactly the version the writer read, or reports it moved.
      if (args.version.etag !== undefined && args.version.etag !== source.etag) return NOT_UPDATED;
      await replaceAtomically(keyToPath(root, args.to), source.data, { durable });
      return { kind: "updated", newVersion: args.version };
    },

    listObjects: async (_: null, prefix: string): Promise<StorageListInfo[]> => {
      const out: StorageListInfo[] = [];
      await walk(keyToPath(root, prefix), "", out);
      return out;
    },

    deleteBatch: async (_: null, args: StorageDeleteBatchArgs): Promise<StorageDeleteObjectsResult> => {
      guardWrite(args.prefix);
      let deletedObjects = 0;
      let deletedBytes = 0;
      for (const item of args.batch) {
        const key = args.prefix ? `${args.prefix}/${item.id}` : item.id;
        try {
          await unlink(keyToPath(root, key));
          deletedObjects += 1;
          deletedBytes += item.size;
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
      return { deletedObjects, deletedBytes };
    },

    getObjectLastModified: async (_: null, key: string): Promise<Date> => {
      try {
        return (await stat(keyToPath(root, key))).mtime;
      } catch (error) {
        if (isMissing(error)) throw notFound(key);
        throw error;
      }
    },

    getObjectConditional: async (_: null, args: StorageGetObjectConditionalArgs): Promise<StorageGetModifiedResult> => {
      try {
        const path = keyToPath(root, args.path);
        if (args.previousVersion?.etag !== undefined) {
          const current = await stat(path, { bigint: true });
          if (etagOf(current) === args.previousVersion.etag) return { kind: "on_latest_version" };
        }
        const { data, etag } = await readVersioned(path);
        return { kind: "modified", data: transform ? transform(args.path, data) : data, newVersion: { etag } };
      } catch (error) {
        if (isMissing(error)) throw notFound(args.path);
        throw error;
      }
    },
  };
}
