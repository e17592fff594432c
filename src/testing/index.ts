/** @module `floe/testing`: what pipeline authors use in their own tests. */
export { runPipeline, createTestEnvironment, planForTest, type TestRun, type TestRunOptions, type TestEnvironment } from "./run-pipeline.ts";
export type { RunDocument } from "../../schemas/run-document.ts";
export { createManualClock, type ManualClock, type Clock } from "../core/clock.ts";
