/**
 * @module The pool workers' entry, built once into one file: worker threads do not inherit tsx's loader
 * hooks (registering tsx per worker costs ~0.4 s CPU), so worker-entry.ts and everything it imports are
 * bundled by esbuild (tsx's own dependency) into `node_modules/.cache/floe/`, next to the packages the bundle
 * leaves external. The bundle is rebuilt only when one of its input files changed (sizes and mtimes).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("./worker-entry.ts", import.meta.url));

/** `node_modules/.cache/floe`, found from where zarrita resolves (external imports resolve from there). */
function cacheDir(): string {
  let dir = dirname(fileURLToPath(import.meta.resolve("zarrita")));
  while (!dir.endsWith("node_modules") && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, ".cache", "floe");
}

interface Manifest {
  inputs: Record<string, string>;
  output: string;
}

const stamp = (file: string): string => {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "missing";
  }
};

/** The bundle's file, from the cache when its inputs are unchanged. */
export async function workerEntry(): Promise<URL> {
  const dir = cacheDir();
  const manifestFile = join(dir, "array-worker.json");
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
    const fresh = Object.entries(manifest.inputs).every(([file, s]) => stamp(file) === s) && stamp(manifest.output) !== "missing";
    if (fresh) return new URL(`file://${manifest.output}`);
  } catch {
    // No manifest yet, or an unreadable one: build.
  }
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  mkdirSync(dir, { recursive: true });
  const text = result.outputFiles[0]!.text;
  const output = join(dir, `array-worker-${createHash("sha256").update(text).digest("hex").slice(0, 16)}.mjs`);
  if (stamp(output) === "missing") {
    writeFileSync(`${output}.${process.pid}`, text);
    renameSync(`${output}.${process.pid}`, output);
  }
  const root = process.cwd();
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((f) => {
    const file = f.startsWith("/") ? f : join(root, f);
    return [file, stamp(file)];
  }));
  // Written then renamed: another process never reads half a manifest.
  const tmp = `${manifestFile}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ inputs, output } satisfies Manifest));
  renameSync(tmp, manifestFile);
  return new URL(`file://${output}`);
}
