/** @module `floe/testing`: what pipeline authors use in their own tests. */
export { runPipeline, createTestEnvironment, planForTest, type TestRun, type TestRunOptions, type TestEnvironment } from "./run-pipeline.ts";
export { createManualClock, type ManualClock, type Clock } from "../core/clock.ts";
