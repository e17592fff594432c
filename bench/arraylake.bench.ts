/**
 * @module `npm run bench -- arraylake [--commits N] [--rounds N]`: local Icechunk repository throughput against
 * zarrita's FileSystemStore on a plain Zarr folder (the reference; target: reads >= 70% of its rate on the
 * WebAssembly build, >= 90% on the native one, peak RSS of a read under twice the array), small commits per
 * second, and two processes committing N times each to one branch (none may be lost). Reads run in child
 * processes (arraylake-read.ts), alternating folder and repository, so each read's peak RSS is its own.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { Client } from "../src/arraylake/index.ts";
import { emit, median, peakRssMb, round } from "./emit.ts";
import { runCommitter } from "../test/arraylake/workers/run-committer.ts";

const REGISTER_TSX = fileURLToPath(new URL("../src/core/register-tsx.mjs", import.meta.url));

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


/** Reads of the array in a fresh process: median of its five reads, and the process's peak RSS. */
interface ChildRead {
  seconds: number;
  peakRssMb: number;
  /** RSS before the first read: Node, tsx and (for a repository) the Icechunk module. */
  baseRssMb: number;
}

function readInChild(kind: "plain" | "icechunk", path: string): ChildRead {
  const script = fileURLToPath(new URL("./arraylake-read.ts", import.meta.url));
  // As run processes start: tsx on the main thread only (Icechunk's own threads need none).
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", REGISTER_TSX, "--no-warnings", script, kind, path], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!) as ChildRead;
}

/** Which Icechunk build this process loaded. */
function icechunkBuild(): "native" | "wasm" {
  try {
    const require = createRequire(import.meta.url);
    require("@earthmover/icechunk-linux-x64-gnu");
    return "native";
  } catch {
    return "wasm";
  }
}

export default async function arraylakeBench(args: string[]): Promise<void> {
  const { values: opts } = parseArgs({ args, options: { commits: { type: "string" }, rounds: { type: "string" } } });
  const raceCommits = Number(opts.commits ?? 100);
  const rounds = Number(opts.rounds ?? 5);
  const dir = mkdtempSync(join(tmpdir(), "floe-bench-al-"));
  const client = new Client({ env: {}, localReposDir: dir });
  try {
    const values = data();
    const plain = new FileSystemStore(join(dir, "plain.zarr"));
    const plainWriteS = await roundTrip(plain, values);

    const repo = await client.createRepo("bench/big");
    const session = await repo.writableSession();
    const writeS = await roundTrip(session.store, values, () => session.commit("write t2m"));
    const writerRssMb = peakRssMb();
    const plainReads: number[] = [];
    const repoReads: number[] = [];
    const ratios: number[] = [];
    let repoRead: ChildRead | undefined;
    let plainRead: ChildRead | undefined;
    for (let r = 0; r < rounds; r++) {
      const a = readInChild("plain", join(dir, "plain.zarr"));
      const b = readInChild("icechunk", repo.path);
      plainReads.push(a.seconds);
      repoReads.push(b.seconds);
      ratios.push(a.seconds / b.seconds);
      if (!repoRead || b.peakRssMb > repoRead.peakRssMb) repoRead = b;
      if (!plainRead || a.peakRssMb > plainRead.peakRssMb) plainRead = a;
    }
    const build = icechunkBuild();
    const readRatio = median(ratios);
    emit("arraylake", {
      case: "write+read 730x180x360 float32, 10 chunks",
      build,
      mb: round(MB, 1),
      icechunkWriteMBps: round(MB / writeS, 1),
      icechunkReadMBps: round(MB / median(repoReads), 1),
      plainWriteMBps: round(MB / plainWriteS, 1),
      plainReadMBps: round(MB / median(plainReads), 1),
      readRatio: round(readRatio, 2), // median over rounds of folder time / repository time (each a median of 5)
      readRatios: ratios.map((x) => round(x, 2)),
      readTargetMet: readRatio >= (build === "native" ? 0.9 : 0.7),
      // Peak RSS of a process reading the repository (the array included), the RSS it had before reading, and
      // the same for a process reading the folder; the target is on what the read adds.
      readPeakRssMb: repoRead!.peakRssMb,
      readBaseRssMb: repoRead!.baseRssMb,
      plainReadPeakRssMb: plainRead!.peakRssMb,
      readRssTargetMet: repoRead!.peakRssMb - repoRead!.baseRssMb < 2 * MB,
      peakRssMb: writerRssMb,
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
