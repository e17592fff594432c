// @module `node --import <this file>`: TypeScript through tsx on the main thread only (what `--import tsx`
// does, minus worker threads). Workers inherit a process's `--import` flags, and Icechunk's WASM build starts
// four of its own (async work and Rust threads) that run plain JavaScript: tsx loading in each of them doubled
// the cost of opening a repository (measured here: `getRepo` 0.54 s -> 0.27 s, CPU burnt in the background
// after it 0.9 s -> 0.45 s). floe's own workers run a prebuilt bundle (data/pool.ts), so none needs tsx.
import { isMainThread } from "node:worker_threads";

// tsx's own entry, exactly what `--import tsx` loads (ESM and CommonJS hooks).
if (isMainThread) await import("tsx");
