/** @module Bounded concurrency: run async work over items, at most `limit` at a time, failing fast. */

/**
 * Runs `work` over `items` with at most `limit` in flight; rejects with the first failure and starts no new
 * work after it (work already started finishes).
 * @example
 * await eachLimited(chunkCoords, 4, (coords) => writeChunk(coords));
 */
export async function eachLimited<T>(items: Iterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failed = false;
  const lane = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done && !failed; next = iterator.next()) {
      try {
        await work(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
}
