/**
 * @module `npm run bench -- remote [--rounds N]`: write and read MB/s of the 730x180x360 float32 array (10 chunks,
 * ~190 MB) through floe's S3 custom storage against the S3 test server (its own process, loopback, SigV4 checked),
 * beside the local-filesystem repository in the same run. On the native build it also measures Icechunk's own S3
 * storage (`Storage.newS3WithRefreshableCredentials`, the AWS SDK for Rust) against the same server, alternating
 * with floe's round by round: the numbers that decide which S3 storage floe uses there.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Repository, type Storage } from "@earthmover/icechunk";
import { ArraylakeRepo, Client } from "../src/arraylake/index.ts";
import { icechunkBuild } from "../src/arraylake/build.ts";
import { staticCredentials } from "../src/arraylake/remote/credentials.ts";
import { libraryS3Storage } from "../src/arraylake/remote/library-storage.ts";
import { createS3Backend } from "../src/arraylake/remote/s3-backend.ts";
import { createS3Client, type S3ClientOptions } from "../src/arraylake/remote/s3-client.ts";
import { s3Storage } from "../src/arraylake/remote/s3-storage.ts";
import { data, MB, readBack, roundTrip } from "./arraylake.bench.ts";
import { emit, median, peakRssMb, round } from "./emit.ts";

const SERVER = fileURLToPath(new URL("../test/fixtures/arraylake-service/s3-server-main.ts", import.meta.url));

function startServer(): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(process.execPath, ["--no-warnings", "--import", "tsx", SERVER], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (d: Buffer) => resolve({ endpoint: (JSON.parse(d.toString()) as { endpoint: string }).endpoint, stop: () => child.stdin.end() }));
    child.once("exit", (code) => reject(new Error(`S3 test server exited ${code}`)));
  });
}

async function measure(repo: ArraylakeRepo, values: Float32Array): Promise<{ writeS: number; readS: number }> {
  const session = await repo.writableSession();
  const writeS = await roundTrip(session.store, values, () => session.commit("write t2m"));
  const readS = await readBack((await repo.readonlySession()).store);
  return { writeS, readS };
}

type Side = "floe" | "library";

export default async function remoteBench(args: string[]): Promise<void> {
  const { values: opts } = parseArgs({ args, options: { rounds: { type: "string" } } });
  const rounds = Number(opts.rounds ?? 3);
  const build = icechunkBuild();
  const dir = mkdtempSync(join(tmpdir(), "floe-bench-remote-"));
  const client = new Client({ env: {}, localReposDir: dir });
  const server = await startServer();
  try {
    const values = data();
    const local = await measure(await client.createRepo("bench/local"), values);
    const location = (prefix: string): S3ClientOptions => ({
      bucket: "bench",
      prefix,
      region: "us-east-1",
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: staticCredentials({ accessKeyId: "BENCHKEY", secretAccessKey: "BENCHSECRET" }),
    });
    const storageOf = async (side: Side, prefix: string): Promise<Storage> => (side === "floe" ? s3Storage(location(prefix)) : libraryS3Storage(location(prefix)));
    const sides: Side[] = build === "native" ? ["floe", "library"] : ["floe"];
    const results: Record<Side, { writeS: number; readS: number }[]> = { floe: [], library: [] };
    for (let r = 0; r < rounds; r++) {
      // Alternate which side goes first, so neither always meets a warmer machine.
      for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
        const prefix = `${side}/round-${r}`;
        const repository = await Repository.create(await storageOf(side, prefix));
        results[side].push(await measure(new ArraylakeRepo({ name: prefix, path: `s3://bench/${prefix}`, repository, observer: undefined }), values));
        // Empty the prefix again: the server keeps objects in memory.
        const backend = createS3Backend(createS3Client(location(prefix)));
        const batch = (await backend.listObjects(null, "")).map((o) => ({ id: o.id, size: o.sizeBytes }));
        await backend.deleteBatch(null, { prefix: "", batch });
      }
    }
    const mbps = (side: Side, key: "writeS" | "readS") => round(MB / median(results[side].map((m) => m[key])), 1);
    const floe = { write: mbps("floe", "writeS"), read: mbps("floe", "readS") };
    const library = build === "native" ? { write: mbps("library", "writeS"), read: mbps("library", "readS") } : undefined;
    emit("remote", {
      case: "write+read 730x180x360 float32, 10 chunks, S3 storage vs local filesystem",
      build,
      rounds,
      mb: round(MB, 1),
      s3WriteMBps: floe.write,
      s3ReadMBps: floe.read,
      localWriteMBps: round(MB / local.writeS, 1),
      localReadMBps: round(MB / local.readS, 1),
      s3ReadVsLocal: round(local.readS / median(results.floe.map((m) => m.readS)), 2), // median of 3 reads each
      ...(library
        ? {
            libraryS3WriteMBps: library.write,
            libraryS3ReadMBps: library.read,
            // Above 1: floe's own S3 storage is faster than Icechunk's native one.
            floeVsLibraryWrite: round(floe.write / library.write, 2),
            floeVsLibraryRead: round(floe.read / library.read, 2),
            floeReadsMBps: results.floe.map((m) => round(MB / m.readS, 1)),
            libraryReadsMBps: results.library.map((m) => round(MB / m.readS, 1)),
          }
        : {}),
      server: "S3 test server in a child process on loopback, SigV4 verified per request",
      peakRssMb: peakRssMb(),
    });
  } finally {
    server.stop();
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
