/**
 * @module `npm run bench -- remote`: write and read MB/s of the 730x180x360 float32 array (10 chunks, ~190 MB)
 * through floe's S3 custom storage against the S3 test server (its own process, loopback, SigV4 checked),
 * beside the local-filesystem repository in the same run. Same helpers as the `arraylake` bench.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Repository } from "@earthmover/icechunk";
import { ArraylakeRepo, Client } from "../src/arraylake/index.ts";
import { staticCredentials } from "../src/arraylake/remote/credentials.ts";
import { s3Storage } from "../src/arraylake/remote/s3-storage.ts";
import { data, MB, readBack, roundTrip } from "./arraylake.bench.ts";
import { emit, peakRssMb, round } from "./emit.ts";

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

export default async function remoteBench(_args: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "floe-bench-remote-"));
  const client = new Client({ env: {}, localReposDir: dir });
  const server = await startServer();
  try {
    const values = data();
    const local = await measure(await client.createRepo("bench/local"), values);
    const storage = s3Storage({
      bucket: "bench",
      prefix: "acme/big",
      region: "us-east-1",
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: staticCredentials({ accessKeyId: "BENCHKEY", secretAccessKey: "BENCHSECRET" }),
    });
    const repository = await Repository.create(storage);
    const remote = await measure(new ArraylakeRepo({ name: "acme/big", path: "s3://bench/acme/big", repository, observer: undefined }), values);
    emit("remote", {
      case: "write+read 730x180x360 float32, 10 chunks, S3 storage vs local filesystem",
      mb: round(MB, 1),
      s3WriteMBps: round(MB / remote.writeS, 1),
      s3ReadMBps: round(MB / remote.readS, 1),
      localWriteMBps: round(MB / local.writeS, 1),
      localReadMBps: round(MB / local.readS, 1),
      s3ReadVsLocal: round(local.readS / remote.readS, 2), // median of 3 reads each
      server: "S3 test server in a child process on loopback, SigV4 verified per request",
      peakRssMb: peakRssMb(),
    });
  } finally {
    server.stop();
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
