/**
 * @module `npm run bench -- ops [--source <zarr-folder>] [--rounds n] [--runs n] [--years n] [--only op,op]`:
 * the operations of real climate jobs (monthly climatology, anomalies, area-weighted global mean of anomalies,
 * monthly resample, 7-day centred rolling mean, box mean over a time window, zonal-mean eddy fluxes resampled
 * daily), `floe/data` against xarray + dask (threads scheduler) on the same store. Each side runs in its own
 * process (warm-up, then `runs` timed runs), floe and xarray alternating round by round; one JSON line per op
 * with the medians, the median of per-round ratios, CPU time and peak RSS, then the geometric mean. Without a
 * source, xarray writes 6-hourly u, v and temp on a 2.5-degree grid once into a cache folder under the OS temp
 * dir; floe's peak RSS is also measured on twice the time axis (`peakRssMbLong`: it should not grow beyond the
 * result's own size, `outputMb`). The source needs u, v, temp over (time, lat, lon), lat ascending.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { emit, median, round } from "./emit.ts";
import { OPS } from "./ops-floe.ts";

const PYTHON = "/usr/bin/python3";
const TIMEOUT_MS = 15 * 60_000;

const MAKE_SOURCE = `
import sys, numpy as np, pandas as pd, xarray as xr
years = int(sys.argv[2])
time = pd.date_range("2001-01-01", periods=years * 1460, freq="6H")
lat = np.arange(-90, 90.1, 2.5); lon = np.arange(0, 360, 2.5)
rng = np.random.default_rng(0)
t = np.arange(time.size)[:, None, None]
shape = (time.size, lat.size, lon.size)
coslat = np.cos(np.deg2rad(lat))[None, :, None]
temp = (15 + 10 * coslat + 5 * np.sin(2 * np.pi * t / 1460) + rng.normal(0, 0.5, shape)).astype("float32")
temp[:, lat < -70, :] = np.nan
u = (10 * coslat + 3 * np.sin(np.deg2rad(lon))[None, None, :] + rng.normal(0, 2, shape)).astype("float32")
v = (np.cos(np.deg2rad(2 * lon))[None, None, :] + rng.normal(0, 2, shape)).astype("float32")
dims = ("time", "lat", "lon")
ds = xr.Dataset({"temp": (dims, temp, {"units": "degC"}), "u": (dims, u, {"units": "m s-1"}), "v": (dims, v, {"units": "m s-1"})},
                coords={"time": time, "lat": lat, "lon": lon})
chunks = (124, lat.size, lon.size)
ds.to_zarr(sys.argv[1], mode="w", encoding={k: {"chunks": chunks} for k in ("temp", "u", "v")})
`;

/** The xarray twin of each op in ops-floe.ts; prints {seconds, cpuSeconds, peakRssMb} (medians of runs). */
const TIME_XARRAY = `
import sys, time, json, resource, dask, numpy as np, xarray as xr
dask.config.set(scheduler="threads")
op, source, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def build(ds):
    temp = ds.temp
    if op == "climatology":
        return temp.groupby("time.month").mean("time")
    if op in ("anomalies", "global-mean-anomalies"):
        clim = temp.groupby("time.month").mean("time").compute()
        anom = temp.groupby("time.month") - clim
        if op == "anomalies":
            return anom
        return anom.weighted(np.cos(np.deg2rad(anom.lat))).mean(("lat", "lon"))
    if op == "resample-monthly":
        return temp.resample(time="1MS").mean()
    if op == "rolling-7d":
        return temp.rolling(time=28, center=True).mean()
    if op == "box-mean":
        return temp.sel(time=slice("2001-03-01", "2001-05-31"), lat=slice(-5, 5), lon=slice(190, 240)).mean(("lat", "lon"))
    if op == "eddy-flux-daily":
        u, v = ds.u, ds.v
        return ((u - u.mean("lon")) * (v - v.mean("lon"))).mean("lon").resample(time="1D").mean()
    raise SystemExit("unknown op " + op)
def once():
    t0, c0 = time.perf_counter(), time.process_time()
    build(xr.open_zarr(source)).compute()
    return time.perf_counter() - t0, time.process_time() - c0
once()
got = [once() for _ in range(runs)]
med = lambda xs: sorted(xs)[(len(xs) - 1) // 2]
print(json.dumps({"seconds": med([g[0] for g in got]), "cpuSeconds": med([g[1] for g in got]),
                  "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

interface Timing {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  outputMb?: number;
  error?: string;
}

function lastJson(out: string): Timing {
  return JSON.parse(out.trim().split("\n").pop()!) as Timing;
}

function runFloe(op: string, source: string, runs: number): Timing {
  const script = fileURLToPath(new URL("./ops-floe.ts", import.meta.url));
  return lastJson(execFileSync(process.execPath, ["--import", "tsx", "--no-warnings", script, op, source, String(runs)], { encoding: "utf8", maxBuffer: 1 << 24, timeout: TIMEOUT_MS }));
}

function runXarray(op: string, source: string, runs: number): Timing {
  const out = spawnSync(PYTHON, ["-c", TIME_XARRAY, op, source, String(runs)], { encoding: "utf8", maxBuffer: 1 << 24, timeout: TIMEOUT_MS });
  if (out.status !== 0) return { seconds: NaN, cpuSeconds: NaN, peakRssMb: NaN, error: out.stderr.trim().split("\n").pop() ?? "failed" };
  return lastJson(out.stdout);
}

/** The cached source of `years` years (made by xarray once; a half-written folder is never reused). */
function cachedSource(years: number): string {
  const dir = join(tmpdir(), "floe-ops-bench");
  const path = join(dir, `uvt-6h-2.5deg-${years}y.zarr`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const partial = `${path}.partial-${process.pid}`;
  const out = spawnSync(PYTHON, ["-c", MAKE_SOURCE, partial, String(years)], { encoding: "utf8" });
  if (out.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`making the ops source with xarray failed: ${out.stderr}`);
  }
  renameSync(partial, path);
  return path;
}

const geomean = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

export default async function opsBench(args: string[]): Promise<void> {
  const { values: opts } = parseArgs({
    args,
    options: { source: { type: "string" }, rounds: { type: "string" }, runs: { type: "string" }, years: { type: "string" }, only: { type: "string" } },
  });
  if (!existsSync(PYTHON) || spawnSync(PYTHON, ["-c", "import xarray, dask, zarr"]).status !== 0) {
    emit("ops", { error: `not available: ${PYTHON} with xarray, dask and zarr is needed for the reference side` });
    return;
  }
  const rounds = Number(opts.rounds ?? 3);
  const runs = Number(opts.runs ?? 1);
  const years = Number(opts.years ?? 1);
  const source = opts.source ?? cachedSource(years);
  const long = opts.source ? undefined : cachedSource(2 * years);
  const ops = opts.only ? opts.only.split(",") : Object.keys(OPS);
  const speedups: number[] = [];
  for (const op of ops) {
    const floe: Timing[] = [];
    const xarray: Timing[] = [];
    let error: string | undefined;
    for (let r = 0; r < rounds && !error; r++) {
      // Alternate who goes first: both sides see the same mix of load.
      const pair = r % 2 === 0 ? [() => floe.push(runFloe(op, source, runs)), () => xarray.push(runXarray(op, source, runs))] : [() => xarray.push(runXarray(op, source, runs)), () => floe.push(runFloe(op, source, runs))];
      for (const run of pair) run();
      error = floe.find((t) => t.error)?.error ?? xarray.find((t) => t.error)?.error;
    }
    if (error) {
      emit("ops", { op, floeSeconds: null, xarraySeconds: null, speedup: null, peakRssMb: null, error: `not available: ${error}` });
      continue;
    }
    const ratios = floe.map((f, i) => xarray[i]!.seconds / f.seconds);
    const speedup = median(ratios);
    speedups.push(speedup);
    const longRun = long ? runFloe(op, long, 0) : undefined;
    emit("ops", {
      op,
      floeSeconds: round(median(floe.map((t) => t.seconds)), 3),
      xarraySeconds: round(median(xarray.map((t) => t.seconds)), 3),
      speedup: round(speedup, 2),
      peakRssMb: Math.max(...floe.map((t) => t.peakRssMb)),
      floeCpuSeconds: round(median(floe.map((t) => t.cpuSeconds)), 3),
      xarrayCpuSeconds: round(median(xarray.map((t) => t.cpuSeconds)), 3),
      xarrayPeakRssMb: round(Math.max(...xarray.map((t) => t.peakRssMb)), 1),
      outputMb: floe[0]!.outputMb,
      ...(longRun ? { peakRssMbLong: longRun.error ? null : longRun.peakRssMb, outputMbLong: longRun.outputMb } : {}),
      ratios: ratios.map((x) => round(x, 2)),
      targetMet: speedup >= 1,
    });
  }
  const gm = speedups.length ? geomean(speedups) : NaN;
  emit("ops", {
    summary: "geometric mean of speedups",
    source: opts.source ?? `self-made: 6-hourly u, v, temp, 2.5 degrees, ${years} year(s) (long: ${2 * years})`,
    ops: speedups.length,
    of: ops.length,
    geomeanSpeedup: round(gm, 2),
    targetMet: speedups.length === ops.length && gm >= 1.5 && speedups.every((s) => s >= 1),
    rounds,
  });
}
