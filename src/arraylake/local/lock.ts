/**
 * @module A cross-process lock file for conditional updates: `open(O_EXCL)` creates it atomically; a lock
 * whose owner process is gone (killed mid-commit) or that is older than {@link STALE_MS} is broken.
 * Held only for the compare-and-rename of one small file, so contention is brief.
 */
import { open, readFile, rename, stat, unlink } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { hostname } from "node:os";

/** A held lock older than this is stale: the critical section is a stat, a compare and a rename. */
export const STALE_MS = 10_000;
const WAIT_LIMIT_MS = 30_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, "utf8"), stat(lockPath)]);
    if (Date.now() - info.mtimeMs > STALE_MS) return true;
    const [pid, host] = text.split(" ");
    // Only a process on this host can be checked for life.
    return host === hostname() && pid !== undefined && Number(pid) > 0 && !alive(Number(pid));
  } catch {
    return false; // vanished or half-written: just retry
  }
}

/** Runs `fn` holding the lock at `lockPath`. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let delay = 1;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      try {
        await handle.writeFile(`${process.pid} ${hostname()}`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await isStale(lockPath)) {
        // Move it aside first so that two breakers cannot both delete a fresh lock.
        const aside = `${lockPath}${process.pid}${Date.now()}`; // still `name#<digits>`: never listed
        await rename(lockPath, aside).then(() => unlink(aside), () => undefined);
        continue;
      }
      if (Date.now() - started > WAIT_LIMIT_MS) throw new Error(`timed out waiting for lock ${lockPath}`);
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 20);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}
