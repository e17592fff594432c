/** @module JSON Schema documents generated from the zod schemas, for editors and API clients. */
import { z } from "zod";
import { ConfigSchema } from "./config.ts";
import { PipelineSpecSchema, TaskSpecSchema } from "./pipeline.ts";
import { RunDocumentSchema } from "./run-document.ts";
import { ScheduleSchema } from "./schedule.ts";

const SOURCES = {
  "pipeline-spec": PipelineSpecSchema,
  "task-spec": TaskSpecSchema,
  schedule: ScheduleSchema,
  config: ConfigSchema,
  "run-document": RunDocumentSchema,
} as const;

/** File name -> JSON text, stable across runs. */
export function jsonSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, schema] of Object.entries(SOURCES)) {
    const doc = { $id: `floe:${name}`, ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) };
    out.set(`${name}.schema.json`, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return out;
}
