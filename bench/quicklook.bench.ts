/**
 * @module `npm run bench -- quicklook`: quick looks through the repository browser on real local Icechunk
 * repositories. The demo dataset's 2-D slice (180 x 360 of temp) cold (a slice not yet drawn) and cached (the
 * same URL again, the branch resolved each time), and a 4,000 x 8,000 float32 array decimated to 1,000 x 2,000.
 * Its chunks are single rows ([1, 8000]): a drawn pixel costs min(chunkY, stride) x min(chunkX, stride) = 1 x 4
 * elements, so the read is 4x the drawn values' bytes. Square chunks of 64 x 64 would cost 4 x 4 = 16x; only a
 * stride larger than the chunk along an axis lets decimation skip chunks.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zarr from "zarrita";
import { Client } from "../src/arraylake/index.ts";
import { createRepoBrowser } from "../src/browse/index.ts";
import { seedDemoRepo, DEMO_REPO, DEMO_GROUP } from "../src/demo/seed.ts";
import { emit, percentile, round } from "./emit.ts";

const LARGE = { rows: 4000, cols: 8000 };

async function writeLarge(client: Client): Promise<void> {
  const repo = await client.createRepo("bench/large");
  const session = await repo.writableSession("main");
  await zarr.create(zarr.root(session.store), { attributes: {} });
  const arr = await zarr.create(zarr.root(session.store).resolve("field"), {
    shape: [LARGE.rows, LARGE.cols], dtype: "float32", chunkShape: [1, LARGE.cols], dimensionNames: ["y", "x"],
  });
  const block = 250;
  for (let r0 = 0; r0 < LARGE.rows; r0 += block) {
    const data = new Float32Array(block * LARGE.cols);
    for (let r = 0; r < block; r++) for (let c = 0; c < LARGE.cols; c++) data[r * LARGE.cols + c] = Math.sin((r0 + r) / 300) * Math.cos(c / 500);
    await zarr.set(arr, [zarr.slice(r0, r0 + block), null], { data, shape: [block, LARGE.cols], stride: [LARGE.cols, 1] });
  }
  await session.commit("large field");
}

export default async function quicklookBench(args: string[]): Promise<void> {
  const rounds = Number(args[0] ?? 30);
  const dir = mkdtempSync(join(tmpdir(), "floe-bench-quicklook-"));
  try {
    const client = new Client({ localReposDir: join(dir, "arraylake"), env: {} });
    await seedDemoRepo(client);
    const browser = createRepoBrowser({ client });
    const array = `${DEMO_GROUP}/temp`;
    // One warm-up draw: the first call loads codecs and opens the repository.
    await browser.quicklook({ repo: DEMO_REPO, ref: "main", array, index: { time: 729 } });
    const cold: number[] = [];
    const cached: number[] = [];
    let bytes = 0;
    for (let i = 0; i < rounds; i++) {
      const request = { repo: DEMO_REPO, ref: "main", array, index: { time: i * 7 } };
      let t = performance.now();
      const look = await browser.quicklook(request);
      cold.push(performance.now() - t);
      bytes = look.meta.bytesRead;
      for (let k = 0; k < 3; k++) {
        t = performance.now();
        await browser.quicklook(request);
        cached.push(performance.now() - t);
      }
    }
    emit("quicklook", { case: "demo-180x360", rounds, coldP50Ms: round(percentile(cold, 50)), coldP99Ms: round(percentile(cold, 99)),
      cachedP50Ms: round(percentile(cached, 50)), cachedP99Ms: round(percentile(cached, 99)), bytesRead: bytes });

    const t0 = performance.now();
    await writeLarge(client);
    const writeMs = performance.now() - t0;
    const large: number[] = [];
    let meta;
    for (let i = 0; i < Math.max(3, Math.round(rounds / 10)); i++) {
      // A fresh browser each round: every draw is cold.
      const fresh = createRepoBrowser({ client });
      const t = performance.now();
      meta = (await fresh.quicklook({ repo: "bench/large", ref: "main", array: "field", index: {} })).meta;
      large.push(performance.now() - t);
      await fresh.close();
    }
    const drawn = Math.ceil(LARGE.rows / meta!.stride[0]!) * Math.ceil(LARGE.cols / meta!.stride[1]!);
    const pixelBytes = drawn * 4;
    emit("quicklook", { case: "large-4000x8000", chunks: [1, LARGE.cols], stride: meta!.stride, image: [Math.ceil(LARGE.rows / meta!.stride[0]!), meta!.width],
      p50Ms: round(percentile(large, 50)), p99Ms: round(percentile(large, 99)), bytesRead: meta!.bytesRead, pixelBytes,
      readRatio: round(meta!.bytesRead / pixelBytes, 3), arrayBytes: LARGE.rows * LARGE.cols * 4, writeMs: round(writeMs) });
    await browser.close();
    client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
