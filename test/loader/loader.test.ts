/** The loader in real child processes: good modules, every kind of broken module, hangs and exits. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createLoader, listPipelineFiles, LoaderError } from "../../src/loader/index.ts";

const fixtures = fileURLToPath(new URL("../fixtures/loader/", import.meta.url));

test("a valid module yields a plan and a version covering its local imports", async () => {
  await using loader = createLoader({ timeoutMs: 10_000 });
  const { result } = await loader.load({ files: listPipelineFiles(`${fixtures}good`) });
  const [file] = result.files;
  assert.deepEqual(file!.diagnostics, []);
  const [ok] = file!.pipelines;
  assert.equal(ok!.name, "ok");
  assert.deepEqual(ok!.plan.levels, [["a"], ["b"]]);
  assert.match(ok!.version, /^[0-9a-f]{16}$/);
  assert.deepEqual(file!.imports.map((f) => f.replace(fixtures, "")), ["good/lib/math.ts"]);
});

test("every broken module is a diagnostic with file and line; the good neighbour still loads", async () => {
  await using loader = createLoader({ timeoutMs: 10_000 });
  const { result } = await loader.load({ files: listPipelineFiles(`${fixtures}bad`) });
  const byFile = new Map(result.files.map((f) => [f.file.replace(`${fixtures}bad/`, ""), f]));
  const only = (name: string) => {
    const diagnostics = byFile.get(name)!.diagnostics;
    assert.equal(diagnostics.length, 1, `${name}: ${JSON.stringify(diagnostics)}`);
    return diagnostics[0]!;
  };

  const syntax = only("syntax.ts");
  assert.equal(syntax.code, "syntax_error");
  assert.equal(syntax.line, 5);

  const throws = only("throws.ts");
  assert.equal(throws.code, "import_failed");
  assert.match(throws.message, /SyntaxError.*JSON/);
  assert.equal(throws.line, 3);

  const invalid = only("invalid-field.ts");
  assert.equal(invalid.path, "tasks.b.retries.attempts");
  assert.equal(invalid.pipeline, "invalid-field");
  assert.equal(invalid.line, 5);
  assert.match(invalid.message, />=\s*0/);

  const cycle = only("cycle.js");
  assert.equal(cycle.code, "cycle");
  assert.match(cycle.message, /a -> c -> b -> a|a -> b -> c -> a|c -> b -> a -> c/);

  const unknown = only("unknown-dep.js");
  assert.equal(unknown.code, "unknown_dependency");
  assert.match(unknown.message, /laod/);
  assert.match(unknown.message, /load/);
  assert.equal(unknown.line, 5);

  assert.equal(only("no-pipeline.ts").code, "no_pipeline");

  const cron = only("bad-cron.ts");
  assert.equal(cron.path, "schedules.0.cron");
  assert.match(cron.message, /"0 25 \* \* \*"/);
  assert.equal(byFile.get("good-neighbour.ts")!.pipelines[0]!.name, "good-neighbour");
});

test("a module that loops forever at import is killed after the timeout", async () => {
  await using loader = createLoader({ timeoutMs: 1500 });
  const started = Date.now();
  await assert.rejects(loader.load({ files: [`${fixtures}hang/loops.ts`] }), (e: unknown) => {
    assert.ok(e instanceof LoaderError);
    assert.equal(e.reason, "timeout");
    return true;
  });
  // far below "forever", far above 1.5 s + a loader's start on a machine at load 35 (it took 7.1 s there)
  assert.ok(Date.now() - started < 30_000);
});

test("a module that exits at import is reported, and the warm loader serves the next load", async () => {
  await using loader = createLoader({ timeoutMs: 10_000, warm: true });
  await assert.rejects(loader.load({ files: [`${fixtures}hang/exits.ts`] }), (e: unknown) => {
    assert.ok(e instanceof LoaderError);
    assert.equal(e.reason, "exit");
    assert.match(e.message, /exit code 3/);
    return true;
  });
  const { result } = await loader.load({ files: listPipelineFiles(`${fixtures}good`) });
  assert.equal(result.files[0]!.pipelines[0]!.name, "ok");
});
