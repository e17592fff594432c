/**
 * @module `npm run bench -- arraylake [--commits N]`: local Icechunk repository throughput against zarrita's
 * FileSystemStore on a plain Zarr folder (the reference; target: reads >= 70% of its rate), small commits
 * per second, and two processes committing N times each to one branch (none may be lost).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { Client } from "../src/arraylake/index.ts";
import { emit, median, peakRssMb, round } from "./emit.ts";
import { runCommitter } from "../test/arraylake/workers/run-committer.ts";

export const SHAPE = [730, 180, 360];
export const CHUNKS = [73, 180, 360]; // 10 chunks
export const MB = (SHAPE[0]! * SHAPE[1]! * SHAPE[2]! * 4) / 1e6;

export function data(): Float32Array {
  const values = new Float32Array(SHAPE[0]! * SHAPE[1]! * SHAPE[2]!);
  for (let i = 0; i < values.length; i++) values[i] = (i % 1000) * 0.5;
  return values;
}

export async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

export async function roundTrip(store: zarr.AsyncMutable, values: Float32Array, commit?: () => Promise<unknown>) {
  const chunk = { data: values, shape: SHAPE, stride: [SHAPE[1]! * SHAPE[2]!, SHAPE[2]!, 1] };
  const [, writeS] = await time(async () => {
    const arr = await zarr.create(zarr.root(store).resolve("t2m"), { shape: SHAPE, dtype: "float32", chunkShape: CHUNKS });
    await zarr.set(arr, null, chunk);
    await commit?.();
  });
  return writeS;
}

/** Median of three full reads: the first also pays for opening metadata. */
export async function readBack(store: zarr.Readable): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const [got, readS] = await time(async () => zarr.get(await zarr.open(zarr.root(store).resolve("t2m"), { kind: "array" })));
    if ((got.data as Float32Array)[12345] !== (12345 % 1000) * 0.5) throw new Error("read back wrong values");
    times.push(readS);
  }
  return median(times);
}


export default async function arraylakeBench(args: string[]): Promise<void> {
  const { values: opts } = parseArgs({ args, options: { commits: { type: "string" } } });
  const raceCommits = Number(opts.commits ?? 100);
  const dir = mkdtempSync(join(tmpdir(), "floe-bench-al-"));
  const client = new Client({ env: {}, localReposDir: dir });
  try {
    const values = data();
    const plain = new FileSystemStore(join(dir, "plain.zarr"));
    const plainWriteS = await roundTrip(plain, values);
    const plainReadS = await readBack(plain);

    const repo = await client.createRepo("bench/big");
    const session = await repo.writableSession();
    const writeS = await roundTrip(session.store, values, () => session.commit("write t2m"));
    const readS = await readBack((await repo.readonlySession()).store);
    emit("arraylake", {
      case: "write+read 730x180x360 float32, 10 chunks",
      mb: round(MB, 1),
      icechunkWriteMBps: round(MB / writeS, 1),
      icechunkReadMBps: round(MB / readS, 1),
      plainWriteMBps: round(MB / plainWriteS, 1),
      plainReadMBps: round(MB / plainReadS, 1),
      readRatio: round(plainReadS / readS, 2), // median of 3 reads each
      readTargetMet: plainReadS / readS >= 0.7,
      peakRssMb: peakRssMb(),
    });

    const small = await client.createRepo("bench/small");
    const n = 30;
    const [, commitS] = await time(async () => {
      for (let i = 0; i < n; i++) {
        const s = await small.writableSession();
        await zarr.create(zarr.root(s.store).resolve(`g${i}`), { attributes: { i } });
        await s.commit(`small ${i}`);
      }
    });
    emit("arraylake", { case: "small commits", commits: n, commitsPerSec: round(n / commitS, 1) });

    const race = await client.createRepo("bench/race");
    const [[a, b], raceS] = await time(() => Promise.all([runCommitter(race.path, "a", raceCommits), runCommitter(race.path, "b", raceCommits)]));
    const messages = new Set((await (await client.getRepo("bench/race")).ancestry()).map((s) => s.message));
    let lost = 0;
    for (const tag of ["a", "b"]) for (let i = 0; i < raceCommits; i++) if (!messages.has(`${tag} ${i}`)) lost += 1;
    emit("arraylake", {
      case: "two processes committing to one branch",
      commitsEach: raceCommits,
      inAncestry: messages.size - 1,
      conflictsRetried: a.conflicts + b.conflicts,
      lost,
      seconds: round(raceS, 1),
      ok: lost === 0,
    });
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
