/** @module Evaluators of the time-aware and windowed ops, added to the engine's table (array/evaluate.ts). */
import type { OpEvaluator } from "../array/evaluator.ts";
import { fillEvaluator } from "./fill.ts";
import { groupReduceEvaluator } from "./group-reduce.ts";
import { interpEvaluator } from "./interp.ts";
import { rollingEvaluator } from "./rolling.ts";
import { takeRowsEvaluator } from "./take-rows.ts";
import { weightedEvaluator } from "./weighted.ts";

export const TIME_EVALUATORS: Readonly<Record<string, OpEvaluator>> = {
  "group-reduce": groupReduceEvaluator,
  rolling: rollingEvaluator,
  "take-rows": takeRowsEvaluator,
  fill: fillEvaluator,
  interp: interpEvaluator,
  weighted: weightedEvaluator,
};
