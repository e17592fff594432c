/**
 * @module Entry of every pool worker thread (built once into one file by worker-build.ts): the reduction
 * protocol of reduce-worker.mjs and block evaluation of lazy-array plans, on the same threads.
 */
import { parentPort } from "node:worker_threads";
import "../reduce-worker.mjs";
import { serveArrays } from "./worker-body.ts";

if (parentPort) serveArrays(parentPort);
