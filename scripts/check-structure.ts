/**
 * @module scripts/check-structure: `npm test` runs this before the tests. Fails (exit 1) on any import against
 * the layer order, any import circle (type-only ones included), or a source folder placed in no layer.
 * @example
 * node --import tsx scripts/check-structure.ts
 */
import { checkStructure } from "./structure/check.ts";
import { LAYER_ORDER } from "./structure/layers.ts";

const problems = checkStructure(process.cwd());
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`\n${problems.length} structure problem(s). Layer order (B may import A when A is to its left): ${LAYER_ORDER}`);
  process.exitCode = 1;
} else console.log("structure: layer order kept, no import circles");
