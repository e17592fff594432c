/**
 * @module The "Run now" form, built from a pipeline's params JSON Schema (zod `toJSONSchema`): string, number,
 * integer, boolean and enum fields with their defaults filled; anything else is a JSON text area. The API is the
 * one validator (`novalidate`): the client script posts JSON and shows its 422 issues under the matching field.
 */
import { html } from "hono/html";
import { domId, type Html } from "./format.ts";

type Schema = Record<string, unknown>;

/** How the client turns the field's text into a JSON value. */
export type FieldKind = "string" | "number" | "integer" | "boolean" | "enum" | "json";

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  required: boolean;
  description: string | undefined;
  default: unknown;
  options: readonly unknown[];
  min: number | undefined;
  max: number | undefined;
}

const isObject = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);
/** zod's int() bounds are ±MAX_SAFE_INTEGER: not worth showing. */
const bound = (v: unknown): number | undefined =>
  typeof v === "number" && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined;

function kindOf(s: Schema): FieldKind {
  if (Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every((x) => typeof x === "string")) return "enum";
  if (s.type === "string") return "string";
  if (s.type === "number") return "number";
  if (s.type === "integer") return "integer";
  if (s.type === "boolean") return "boolean";
  return "json";
}

/** The top-level fields of an object schema, in declaration order. */
export function fieldsOf(schema: Record<string, unknown> | null): FieldSpec[] {
  if (!schema || !isObject(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((x) => typeof x === "string") : []);
  return Object.entries(schema.properties).map(([key, raw]) => {
    const s = isObject(raw) ? raw : {};
    return {
      key, kind: kindOf(s), required: required.has(key) && !("default" in s),
      description: typeof s.description === "string" ? s.description : undefined,
      default: s.default, options: Array.isArray(s.enum) ? s.enum : [], min: bound(s.minimum), max: bound(s.maximum),
    };
  });
}

const text = (v: unknown): string => (v === undefined ? "" : typeof v === "string" ? v : String(v));

function control(f: FieldSpec, id: string, described: string): Html {
  const common = html`id="${id}" name="${f.key}" data-kind="${f.kind}" aria-describedby="${described}"`;
  switch (f.kind) {
    case "enum":
      return html`<select ${common}>${f.required && f.default === undefined ? html`<option value=""></option>` : ""}${f.options.map(
        (o) => html`<option${o === f.default ? html` selected` : ""}>${text(o)}</option>`,
      )}</select>`;
    case "boolean":
      return html`<input type="checkbox" ${common}${f.default === true ? html` checked` : ""}>`;
    case "number":
    case "integer":
      return html`<input type="number" inputmode="${f.kind === "integer" ? "numeric" : "decimal"}" step="${f.kind === "integer" ? "1" : "any"}" ${common} value="${text(f.default)}"${
        f.min !== undefined ? html` min="${f.min}"` : ""}${f.max !== undefined ? html` max="${f.max}"` : ""}>`;
    case "string":
      return html`<input type="text" ${common} value="${text(f.default)}" autocomplete="off">`;
    case "json":
      return html`<textarea rows="2" ${common} spellcheck="false">${f.default === undefined ? "" : JSON.stringify(f.default)}</textarea>`;
  }
}

function field(pipeline: string, f: FieldSpec): Html {
  const id = domId("f", pipeline, f.key);
  const err = domId("e", pipeline, f.key);
  const hint = f.kind === "json" ? "JSON" : f.kind === "integer" ? "integer" : f.kind === "number" ? "number" : "";
  return html`<div class="field" data-field="${f.key}">
<label for="${id}">${f.key}${f.required ? html` <span aria-hidden="true">*</span>` : ""} ${
    hint ? html`<span class="hint">(${hint})</span>` : ""}</label>
${control(f, id, err)}
${f.description ? html`<div class="hint">${f.description}</div>` : ""}
<div class="error" id="${err}" data-error-for="${f.key}"></div>
</div>`;
}

/** The form; `disabled` when the pipeline has no version to run. */
export function paramsForm(pipeline: string, schema: Record<string, unknown> | null, disabled: boolean): Html {
  const fields = fieldsOf(schema);
  const status = domId("status", pipeline);
  return html`<form class="run-form" data-run-form="${pipeline}" novalidate aria-label="Run ${pipeline} now">
${fields.length ? html`<div class="fields">${fields.map((f) => field(pipeline, f))}</div>` : html`<p class="muted">No params.</p>`}
<div class="row"><button type="submit" class="primary"${disabled ? html` disabled` : ""}>Run now</button>
<span class="error" data-form-error></span></div>
<div class="status" id="${status}" role="status" aria-live="polite"></div>
</form>`;
}
