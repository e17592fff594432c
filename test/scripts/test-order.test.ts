/** The order `npm test` runs the test files in (scripts/test-order.ts) and the committed timings it reads. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { orderTestFiles, parseTimings, testFiles } from "../../scripts/test-order.ts";
import { repoRoot } from "../daemon/helpers.ts";

test("listed files first, longest first; beside files in their own lane; new files after, by name", () => {
  const timings = parseTimings("# a comment\n120 test/b.test.ts\nbeside 300 test/c.test.ts  # waits on leases\n\n400 test/a.test.ts\n");
  assert.deepEqual(timings.map((t) => [t.file, t.seconds, t.beside]), [["test/b.test.ts", 120, false], ["test/c.test.ts", 300, true], ["test/a.test.ts", 400, false]]);
  const files = ["test/z.test.ts", "test/a.test.ts", "test/b.test.ts", "test/c.test.ts", "test/new.test.ts"];
  assert.deepEqual(orderTestFiles(files, timings), { main: ["test/a.test.ts", "test/b.test.ts", "test/new.test.ts", "test/z.test.ts"], beside: ["test/c.test.ts"] });
  // a subset runs only what was asked
  assert.deepEqual(orderTestFiles(["test/b.test.ts"], timings), { main: ["test/b.test.ts"], beside: [] });
});

test("a malformed timings line is an error naming the file and line", () => {
  assert.throws(() => parseTimings("120 test/a.test.ts\nfast test/b.test.ts\n"), /^Error: test\/timings\.txt:2: expected "\[beside\] <seconds> <test file>", got "fast test\/b\.test\.ts"$/);
});

test("test/timings.txt names only test files that exist, each once", () => {
  const timings = parseTimings(readFileSync(`${repoRoot}test/timings.txt`, "utf8"));
  const files = new Set(testFiles(repoRoot));
  assert.ok(timings.length > 10);
  for (const t of timings) assert.ok(files.has(t.file), `${t.file} is listed in test/timings.txt but does not exist`);
  assert.equal(new Set(timings.map((t) => t.file)).size, timings.length, "a file is listed twice");
});
