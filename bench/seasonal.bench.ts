/**
 * @module `npm run bench -- seasonal [--source <zarr-folder>] [--group g] [--workers n] [--repeat n] [--repo]`:
 * seasonal mean of the first 3-D float variable, in-process, on worker threads. Without a source it makes
 * one: 730 x 180 x 360 float32, blosc-lz4, written by xarray when /usr/bin/python3 has it (else by floe,
 * zstd). When xarray + dask are available it times `ds[v].groupby("time.season").mean()` on the same store,
 * in rounds alternating with floe's (this machine is shared: both sides should see the same load). Medians of
 * wall time and of CPU time (all threads) per reduction. With `--repo`, floe reads the same data imported into a
 * local Icechunk repository (`floe repo import`, one commit; a readonly session at main) while xarray reads the
 * folder: the seed job on a repository against xarray on plain files.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createReducerPool, createSyntheticOceanTemp, openDataset, groupReduce, type Dataset } from "../src/data/index.ts";
import { Client } from "../src/arraylake/index.ts";
import { importZarr } from "../src/cli/repo-transfer.ts";
import { emit, median, peakRssMb, round } from "./emit.ts";

const PYTHON = "/usr/bin/python3";

const MAKE_SOURCE = `
import sys, numpy as np, pandas as pd, xarray as xr
rng = np.random.default_rng(0)
lat = np.arange(-89.5, 90, 1.0); lon = np.arange(0.5, 360, 1.0); time = pd.date_range("2021-01-01", periods=730)
t = np.arange(730)[:, None, None]
data = (15 + 10 * np.cos(np.deg2rad(lat))[None, :, None] + 5 * np.sin(2 * np.pi * t / 365)).astype("float32")
data = data + rng.normal(0, 0.5, (730, 180, 360)).astype("float32")
data[:, (lat < -68), :] = np.nan
data[:, 60:90, 100:160] = np.nan
ds = xr.Dataset({"temp": (("time", "lat", "lon"), data, {"units": "degC"})}, coords={"time": time, "lat": lat, "lon": lon})
ds.to_zarr(sys.argv[1], mode="w", encoding={"temp": {"chunks": (30, 180, 360)}})
`;

const TIME_XARRAY = `
import sys, time, json, xarray as xr
ds = xr.open_zarr(sys.argv[1], group=(sys.argv[2] or None))
name = [k for k, v in ds.data_vars.items() if v.ndim == 3 and v.dtype.kind == "f"][0]
ds[name].groupby("time.season").mean().compute()  # warm-up, like floe's cold run
times, cpu = [], []
for _ in range(int(sys.argv[3])):
    t0, c0 = time.perf_counter(), time.process_time()
    ds[name].groupby("time.season").mean().compute()
    times.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
print(json.dumps({"times": times, "cpu": cpu}))
`;

function hasXarray(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import xarray, dask, zarr"]).status === 0;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export default async function seasonal(args: string[]): Promise<void> {
  const repeat = Number(arg(args, "repeat") ?? 5);
  const workers = Number(arg(args, "workers") ?? availableParallelism());
  const xarray = hasXarray();
  let source = arg(args, "source");
  let group = arg(args, "group") ?? "";
  let made: string | undefined;
  if (!source) {
    made = mkdtempSync(join(tmpdir(), "floe-seasonal-"));
    source = join(made, "source.zarr");
    if (xarray) {
      const out = spawnSync(PYTHON, ["-c", MAKE_SOURCE, source], { encoding: "utf8" });
      if (out.status !== 0) throw new Error(`making the source with xarray failed: ${out.stderr}`);
    } else {
      await createSyntheticOceanTemp(source, "");
    }
    group = "";
  }
  const repoDir = args.includes("--repo") ? mkdtempSync(join(tmpdir(), "floe-seasonal-repo-")) : undefined;
  const client = new Client({ env: {}, localReposDir: repoDir ?? tmpdir() });
  try {
    let ds: Dataset;
    if (repoDir) {
      const repo = await client.createRepo("bench/seasonal");
      const writer = await repo.writableSession();
      await importZarr(group ? join(source, group) : source, writer, "data");
      await writer.commit("import the source");
      ds = await openDataset(await repo.readonlySession(), { group: "data" });
    } else ds = await openDataset(source, { group });
    const name = ds.dataVars.find((n) => ds.variables[n]!.shape.length === 3 && ds.variables[n]!.dtype.startsWith("float"));
    if (!name) throw new Error(`no 3-D float variable in ${source}`);
    const v = ds.variables[name]!;
    const itemSize = v.dtype === "float32" ? 4 : 8;
    const decodedBytes = v.shape.reduce((a, b) => a * b, 1) * itemSize;
    await using pool = createReducerPool(workers);
    const run = async () => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await groupReduce(ds, { by: "season", op: "mean", variables: [name], pool, workers });
      const c = process.cpuUsage(c0);
      times.push((performance.now() - t0) / 1000);
      cpu.push((c.user + c.system) / 1e6);
    };
    const times: number[] = [];
    const cpu: number[] = [];
    await run(); // includes starting the workers
    const cold = times.pop()!;
    cpu.pop();
    const x = { times: [] as number[], cpu: [] as number[], failed: !xarray };
    const rounds = Math.min(3, repeat);
    for (let r = 0; r < rounds; r++) {
      const n = Math.floor(repeat / rounds) + (r < repeat % rounds ? 1 : 0);
      for (let i = 0; i < n; i++) await run();
      if (x.failed) continue;
      const out = spawnSync(PYTHON, ["-c", TIME_XARRAY, source, group, String(n)], { encoding: "utf8" });
      if (out.status === 0) {
        const got = JSON.parse(out.stdout.trim().split("\n").pop()!) as { times: number[]; cpu: number[] };
        x.times.push(...got.times);
        x.cpu.push(...got.cpu);
      } else {
        process.stderr.write(`xarray timing failed: ${out.stderr}\n`);
        x.failed = true;
      }
    }
    const seconds = median(times);
    const common = {
      source: made ? (xarray ? "self-made (xarray, blosc-lz4)" : "self-made (floe, zstd)") : source,
      ...(repoDir ? { floeReads: "local Icechunk repository (xarray: the folder)" } : {}),
      variable: name,
      shape: v.shape,
      chunks: v.encoding.chunks,
      workers,
    };
    let ratio: number | undefined;
    if (!x.failed) {
      const xs = median(x.times);
      ratio = xs / seconds;
      emit("seasonal", { impl: "xarray+dask", ...common, decodedBytes, seconds: round(xs, 4), cpuSeconds: round(median(x.cpu), 4), mbPerS: round(decodedBytes / 1e6 / xs, 1) });
    }
    emit("seasonal", {
      impl: "floe",
      ...common,
      decodedBytes,
      seconds: round(seconds, 4),
      cpuSeconds: round(median(cpu), 4),
      coldSeconds: round(cold, 4),
      mbPerS: round(decodedBytes / 1e6 / seconds, 1),
      peakRssMb: peakRssMb(),
      ...(ratio === undefined ? {} : { speedupVsXarray: round(ratio, 2) }),
    });
  } finally {
    client.close();
    if (made) rmSync(made, { recursive: true, force: true });
    if (repoDir) rmSync(repoDir, { recursive: true, force: true });
  }
}
