/**
 * @module Atomic file writes: data goes to a temporary sibling, is fsynced, then appears at its name in one
 * step (rename to replace, hard link to create only if absent). A reader sees the old file or the new one,
 * never a torn one, and a process killed mid-write leaves only an ignored `name#<digits>` temporary.
 */
import { link, mkdir, open, rename, stat, unlink } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import { dirname } from "node:path";
import { tempPathFor } from "./paths.ts";

/** The version Icechunk compares for conditional updates: changes with every replacement of the file. */
export function etagOf(info: BigIntStats): string {
  return `${info.ino.toString(16)}-${info.mtimeNs.toString(16)}-${info.size.toString(16)}`;
}

export interface WriteOptions {
  /** fsync the file before it becomes visible (and its folder after), for crash durability. */
  durable: boolean;
}

async function writeTemp(path: string, data: Uint8Array, options: WriteOptions): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  const handle = await open(temp, "wx");
  try {
    await handle.writeFile(data);
    if (options.durable) await handle.datasync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}

/** fsync a folder so a rename or link in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `data` at `path`, replacing any file there. Returns the new file's etag. */
export async function replaceAtomically(path: string, data: Uint8Array, options: WriteOptions): Promise<string> {
  const temp = await writeTemp(path, data, options);
  try {
    // The temporary becomes the file, so its inode and mtime are the new version.
    const etag = etagOf(await stat(temp, { bigint: true }));
    await rename(temp, path);
    if (options.durable) await syncDir(dirname(path));
    return etag;
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Writes `data` at `path` only if nothing is there; `undefined` when something was. */
export async function createExclusively(
  path: string,
  data: Uint8Array,
  options: WriteOptions,
): Promise<string | undefined> {
  const temp = await writeTemp(path, data, options);
  try {
    const etag = etagOf(await stat(temp, { bigint: true }));
    // link(2) fails with EEXIST atomically: the create-if-absent that object_store also uses.
    await link(temp, path);
    if (options.durable) await syncDir(dirname(path));
    return etag;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}
