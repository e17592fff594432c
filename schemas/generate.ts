/** `npm run schemas`: writes schemas/json/*.schema.json from the zod schemas (a test checks they are current). */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jsonSchemas } from "./json-schemas.ts";

const dir = fileURLToPath(new URL("./json/", import.meta.url));
mkdirSync(dir, { recursive: true });
for (const [file, text] of jsonSchemas()) writeFileSync(`${dir}${file}`, text);
process.stdout.write(`wrote ${[...jsonSchemas().keys()].join(", ")} to schemas/json/\n`);
