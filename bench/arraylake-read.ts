/**
 * @module Child process of the arraylake bench: reads the bench array five times from a plain Zarr folder or
 * a local repository (a readonly session at main) and prints the median time and this process's peak RSS, so
 * the read's memory is measured apart from the writer's. Two chunks in flight: what floe's readers do. The
 * first read costs 2-5x the others on both sides (JIT, the first output's pages), and on a loaded machine one
 * more may be hit by a burst: the median of five is the steady read, of three it was the worse of two.
 * `node --expose-gc --import tsx bench/arraylake-read.ts plain|icechunk <path>`
 */
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { Client } from "../src/arraylake/index.ts";
import { median, peakRssMb } from "./emit.ts";
/** zarrita's queue with at most `limit` chunk reads running. */
function boundedQueue(limit: number) {
  return () => {
    const running = new Set<Promise<void>>();
    const all: Promise<void>[] = [];
    return {
      add(fn: () => Promise<void>) {
        const start = async (): Promise<void> => {
          while (running.size >= limit) await Promise.race(running);
          const p = fn().finally(() => running.delete(p));
          running.add(p);
          return p;
        };
        all.push(start());
      },
      onIdle: () => Promise.all(all),
    };
  };
}

const [kind, path] = process.argv.slice(2);
const client = new Client({ env: {} });
const store: zarr.Readable =
  kind === "plain" ? new FileSystemStore(path!) : (await (await client.getRepo(path!)).readonlySession()).store;
/** One whole read; the array is dropped on return. */
async function readOnce(): Promise<number> {
  const t0 = performance.now();
  const arr = await zarr.open(zarr.root(store).resolve("t2m"), { kind: "array" });
  const got = await zarr.get(arr, null, { createQueue: boundedQueue(2) } as Parameters<typeof zarr.get>[2]);
  if ((got.data as Float32Array)[12345] !== (12345 % 1000) * 0.5) throw new Error("read back wrong values");
  return (performance.now() - t0) / 1000;
}

const baseRssMb = peakRssMb();
const times: number[] = [];
for (let i = 0; i < 5; i++) {
  globalThis.gc?.(); // the previous read's array is garbage: measure one read's memory, not five
  times.push(await readOnce());
}
process.stdout.write(`${JSON.stringify({ seconds: median(times), peakRssMb: peakRssMb(), baseRssMb })}\n`);
client.close();
process.exit(0);
