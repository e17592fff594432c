/** The committed JSON Schemas are generated from the zod schemas: regenerate with `npm run schemas`. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { jsonSchemas } from "../../schemas/json-schemas.ts";

test("schemas/json matches the zod schemas", () => {
  for (const [file, text] of jsonSchemas()) {
    const committed = readFileSync(new URL(`../../schemas/json/${file}`, import.meta.url), "utf8");
    assert.equal(committed, text, `${file} is stale: run npm run schemas`);
  }
});
