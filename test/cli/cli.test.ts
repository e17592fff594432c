/** The `floe` CLI as scripts use it: real processes, real state folders, exit codes 0 / 1 / 2. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RunDocumentSchema, RunSummaryDocumentSchema } from "../../schemas/run-document.ts";
import { fixture, floeCli } from "./helpers.ts";

const cli = floeCli({ FLOE_PIPELINES_DIR: fixture("cli/pipelines") });

test("usage mistakes exit 2 with usage text", () => {
  for (const args of [["frobnicate"], ["run"], ["runs", "--bogus"], ["runs", "--limit", "0"], ["runs", "--state", "Done"], []]) {
    const r = cli.run(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /Usage: floe/);
  }
  assert.equal(cli.run("help").status, 0);
});

test("validate --json lists valid pipelines; a broken folder exits 1 naming file and line", () => {
  const ok = cli.run("validate", "--json");
  assert.equal(ok.status, 0, ok.stderr);
  const doc = JSON.parse(ok.stdout) as { ok: boolean; pipelines: { name: string }[] };
  assert.deepEqual(doc.pipelines.map((p) => p.name).sort(), ["fails", "greet", "misread"]);

  const bad = floeCli({ FLOE_PIPELINES_DIR: fixture("loader/bad") }).run("validate");
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /test\/fixtures\/loader\/bad\/syntax\.ts:5:\d+:? syntax error: Unexpected/);
  assert.match(bad.stdout, /invalid-field\.ts:5:\d+ pipeline "invalid-field" field tasks\.b\.retries\.attempts: /);
  assert.match(bad.stdout, /ok +good-neighbour/);
});

test("run --json prints the run document and exits 0 on Completed", () => {
  const r = cli.run("run", "greet", "--param", "who=ocean", "--param", "times=2", "--json");
  assert.equal(r.status, 0, r.stderr);
  const run = RunDocumentSchema.parse(JSON.parse(r.stdout));
  assert.deepEqual(Object.keys(JSON.parse(r.stdout)), Object.keys(RunDocumentSchema.shape));
  assert.equal(run.state, "Completed");
  assert.deepEqual(run.params, { who: "ocean", times: 2 });
  assert.deepEqual(run.tasks.map((t: { name: string; state: string; attempts: number }) => [t.name, t.state, t.attempts]), [
    ["compose", "Completed", 1],
    ["deliver", "Completed", 1],
  ]);

  const shown = JSON.parse(cli.run("show", run.id, "--json").stdout);
  assert.deepEqual(RunDocumentSchema.parse(shown), run);
  const listed = JSON.parse(cli.run("runs", "--pipeline", "greet", "--json").stdout) as unknown[];
  const { tasks: _, ...summary } = run;
  assert.deepEqual(listed.map((item) => RunSummaryDocumentSchema.strict().parse(item)).find((item) => item.id === run.id), summary);
  const logs = cli.run("logs", run.id, "--level", "warn");
  assert.match(logs.stdout, /WARN +deliver +delivering/);
  assert.doesNotMatch(logs.stdout, /composing/);
  assert.match(cli.run("runs", "--pipeline", "greet").stdout, new RegExp(run.id));
});

test("a failed run exits 1, skips downstream tasks and lets independent branches finish", () => {
  const r = cli.run("run", "fails", "--json");
  assert.equal(r.status, 1);
  const run = JSON.parse(r.stdout);
  assert.equal(run.state, "Failed");
  const states = Object.fromEntries(run.tasks.map((t: { name: string; state: string }) => [t.name, t.state]));
  assert.deepEqual(states, { ok: "Completed", boom: "Failed", after: "Skipped", independent: "Completed" });
  assert.match(run.tasks.find((t: { name: string }) => t.name === "boom").error.message, /the data is not there/);
});

test("invalid params exit 1 naming the field; nothing runs", () => {
  const r = cli.run("run", "greet", "--param", "times=many");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /params\.times: .*expected number/i);
  assert.equal(cli.run("runs", "--pipeline", "greet", "--json").stdout.includes('"times":"many"'), false);
});

test("unknown pipeline and unknown run exit 1 with a clear message", () => {
  const r = cli.run("run", "nope");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no valid pipeline named "nope"/);
  assert.match(r.stderr, /pipelines: .*greet/);
  const s = cli.run("show", "01NOPE");
  assert.equal(s.status, 1);
  assert.match(s.stderr, /run "01NOPE" not found/);
});

test("plain JS reading a result that is not upstream fails the task with a clear error, not undefined", () => {
  const run = JSON.parse(cli.run("run", "misread", "--json").stdout);
  assert.equal(run.state, "Failed");
  const c = run.tasks.find((t: { name: string }) => t.name === "c");
  assert.equal(c.attempts, 1);
  assert.match(c.error.message, /task "c" reads upstream\.b, but "b" is not in its needs \(a\)/);
});
