/**
 * @module Child process of the ops bench: one operation of `floe/data` on a Zarr folder with u, v and temp over
 * (time, lat, lon), run once to warm up and then `runs` times; prints the median wall and CPU seconds, the
 * size of the result and this process's peak RSS as one JSON line (or `{ "error": ... }`).
 * `node --import tsx bench/ops-floe.ts <op> <zarr-folder> [runs]`
 */
import { LazyDataset, slice, type DataArray } from "../src/data/index.ts";
import { median, peakRssMb, round } from "./emit.ts";

/** What each op computes, as a pipeline author writes it (the xarray twin is in ops.bench.ts). */
export const OPS: Record<string, (ds: LazyDataset) => Promise<DataArray>> = {
  climatology: async (ds) => ds.get("temp").groupby("time.month").mean("time"),
  anomalies: async (ds) => {
    const temp = ds.get("temp");
    const climatology = await temp.groupby("time.month").mean("time").compute();
    return temp.groupby("time.month").sub(climatology);
  },
  "global-mean-anomalies": async (ds) => {
    const temp = ds.get("temp");
    const climatology = await temp.groupby("time.month").mean("time").compute();
    const anomaly = temp.groupby("time.month").sub(climatology);
    return anomaly.weighted(anomaly.coord("lat").deg2rad().cos()).mean(["lat", "lon"]);
  },
  "resample-monthly": async (ds) => ds.get("temp").resample({ time: "1MS" }).mean(),
  "rolling-7d": async (ds) => ds.get("temp").rolling({ time: 28 }, { center: true }).mean(), // 6-hourly steps
  "box-mean": async (ds) =>
    ds.get("temp").sel({ time: slice("2001-03-01", "2001-05-31"), lat: slice(-5, 5), lon: slice(190, 240) }).mean(["lat", "lon"]),
  "eddy-flux-daily": async (ds) => {
    const u = ds.get("u");
    const v = ds.get("v");
    return u.sub(u.mean("lon")).mul(v.sub(v.mean("lon"))).mean("lon").resample({ time: "1D" }).mean();
  },
};

async function main(): Promise<void> {
  const [op, source, runsArg] = process.argv.slice(2);
  const build = OPS[op!];
  if (!build) throw new Error(`unknown op "${op}" (ops: ${Object.keys(OPS).join(", ")})`);
  const runs = Number(runsArg ?? 1);
  const once = async () => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const ds = await LazyDataset.open(source!);
    const values = await (await build(ds)).values();
    const c = process.cpuUsage(c0);
    return { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, bytes: values.byteLength };
  };
  const warm = await once(); // warm-up: JIT, worker start, page cache (the result when runs is 0)
  const got = [];
  for (let i = 0; i < runs; i++) got.push(await once());
  if (got.length === 0) got.push(warm);
  const out = {
    seconds: round(median(got.map((g) => g.seconds)), 4),
    cpuSeconds: round(median(got.map((g) => g.cpu)), 4),
    outputMb: round(got[0]!.bytes / 1e6, 1),
    peakRssMb: peakRssMb(),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stdout.write(`${JSON.stringify({ error: String((error as Error)?.message ?? error).split("\n")[0] })}\n`);
      process.exit(0);
    },
  );
}
