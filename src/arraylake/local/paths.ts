/**
 * @module Object keys to file paths, exactly as Icechunk's local filesystem storage (object_store's
 * LocalFileSystem) lays them out: every object is a file at its key under the repository folder.
 * In-flight files are named `<name>#<digits>`, a form object_store itself skips when listing, so Python
 * Icechunk never sees our temporaries or locks, and we never list its.
 */
import { join, sep } from "node:path";
import { randomInt } from "node:crypto";

/** Maps an object key (`refs/tag.it works!/ref.json`) to its file, refusing keys that would escape the root. */
export function keyToPath(root: string, key: string): string {
  const parts = key.split("/").filter((p) => p !== "");
  for (const part of parts) {
    if (part === "." || part === ".." || part.includes(sep) || part.includes("\0")) {
      throw new Error(`invalid object key "${key}"`);
    }
  }
  return join(root, ...parts);
}

/** True for names object_store treats as uploads in progress: `name#123`. */
export function isInFlightName(name: string): boolean {
  const at = name.lastIndexOf("#");
  if (at < 0) return false;
  const suffix = name.slice(at + 1);
  return suffix.length > 0 && /^[0-9]+$/.test(suffix);
}

/** A fresh temporary sibling of `path`; never `#0`, which is the lock. */
export function tempPathFor(path: string): string {
  return `${path}#${process.pid}${randomInt(1, 2 ** 40)}`;
}

/** The lock guarding conditional updates of `path`. */
export function lockPathFor(path: string): string {
  return `${path}#0`;
}
