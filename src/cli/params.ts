/**
 * @module `--param key=value` and `--params-json` into one params object. Values are typed by the pipeline's
 * params JSON Schema: a string property keeps the text as is; anything else is read as JSON when it parses.
 */
import { UsageError } from "./command.ts";

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema> };

function wantsString(schema: JsonSchema | undefined): boolean {
  const type = schema?.type;
  return type === "string" || (Array.isArray(type) && type.length === 1 && type[0] === "string");
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = (node[key] = next && typeof next === "object" ? next : {}) as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

export function parseParamFlags(
  pairs: readonly string[],
  json: string | undefined,
  schema: JsonSchema | undefined,
): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  if (json !== undefined) {
    try {
      params = JSON.parse(json) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--params-json is not valid JSON: ${(error as Error).message}`);
    }
    if (!params || typeof params !== "object" || Array.isArray(params)) {
      throw new UsageError("--params-json must be a JSON object");
    }
  }
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param expects key=value, got "${pair}"`);
    const path = pair.slice(0, eq).split(".");
    const text = pair.slice(eq + 1);
    let property: JsonSchema | undefined = schema;
    for (const key of path) property = property?.properties?.[key];
    let value: unknown = text;
    if (!wantsString(property)) {
      try {
        value = JSON.parse(text);
      } catch {
        value = text;
      }
    }
    setPath(params, path, value);
  }
  return params;
}
