/**
 * Hot reload against a real daemon: each bad input keeps the last good version active and reports why; deleted
 * and renamed files; edits of imported files and of arraylake.config.ts; a run finishes on the version it began.
 */
import assert from "node:assert/strict";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeProject, pipelineStatus, pipelineSource, startDaemon, waitFor, waitRun, type Project, type RunningDaemon } from "./helpers.ts";

const good = (value: string): string =>
  `import { pipeline } from "floe";\nimport { suffix } from "./lib/util.ts";\nexport default pipeline({ name: "a" })\n  .task("first", () => ${JSON.stringify(value)} + suffix)\n  .task("second", { needs: ["first"] }, ({ upstream }) => upstream.first + "!");\n`;

describe("hot reload", () => {
  let project: Project;
  let d: RunningDaemon;
  before(async () => {
    project = makeProject(
      {
        "pipelines/a.ts": good("one"),
        "pipelines/lib/util.ts": `export const suffix = "-s1";\n`,
        "pipelines/b.ts": pipelineSource("b", `.task("only", () => 1)`, `schedules: [{ name: "minutely", cron: "* * * * *" }]`),
        "pipelines/slow.ts": pipelineSource("slow", `.task("wait", async () => { await new Promise((r) => setTimeout(r, 1500)); return "old"; })`, "maxActiveRuns: 1"),
      },
      "{ daemon: { loaderTimeoutMs: 4000 } }",
    );
    d = await startDaemon(project);
  });
  after(async () => {
    await d?.stop();
    project?.cleanup();
  });

  const status = (name: string) => pipelineStatus(d, name);
  const until = (name: string, pred: (p: any) => boolean, what: string) =>
    waitFor(async () => {
      const p = await status(name);
      return p && pred(p) ? p : undefined;
    }, 30_000, what);

  test("an edit of the module or of a file it imports activates a new version", async () => {
    const v1 = (await status("a")).version;
    project.write("pipelines/a.ts", good("two"));
    const v2 = (await until("a", (p) => p.version !== v1 && p.valid, "edit")).version;
    project.write("pipelines/lib/util.ts", `export const suffix = "-s2";\n`);
    const v3 = await until("a", (p) => p.version !== v2 && p.valid, "edit of an imported file");
    const run = await d.post("/api/pipelines/a/runs", {});
    const done = await waitRun(d, run.body.id);
    assert.equal(done.version, v3.version);
    assert.equal(done.tasks.find((t: any) => t.task === "second").result, "two-s2!");
  });

  for (const [label, source, code] of [
    ["syntax error", `import { pipeline } from "floe";\nexport default pipeline({ name: "a" }).task("first", () => {{);\n`, "syntax_error"],
    ["zod error", `import { pipeline } from "floe";\nexport default pipeline({ name: "a" }).task("first", { retries: -1 }, () => 1);\n`, "too_small"],
    ["cycle", `import { pipeline } from "floe";\nexport default pipeline({ name: "a" }).task("x", { needs: ["y"] } as any, () => 1).task("y", { needs: ["x"] } as any, () => 2);\n`, "cycle"],
    ["throw at import", `throw new Error("boom at import");\n`, "import_failed"],
    ["exit at import", `process.exit(3);\n`, "loader_exit"],
    ["infinite loop at import", `for (;;) {}\n`, "loader_timeout"],
  ] as const) {
    test(`${label}: the last good version stays active and the error is reported`, async () => {
      const before = await until("a", (p) => p.valid, "a valid");
      project.write("pipelines/a.ts", source);
      const p = await until("a", (x) => !x.valid, `${label} reported`);
      assert.equal(p.version, before.version, "last good version still active");
      assert.ok(p.diagnostics.some((x: any) => x.code === code), JSON.stringify(p.diagnostics));
      assert.ok(p.diagnostics.every((x: any) => !x.file || x.file.endsWith("a.ts")));
      // other pipelines are unaffected, and runs still use the last good version
      assert.equal((await status("b")).valid, true);
      const run = await d.post("/api/pipelines/a/runs", {});
      assert.equal(run.status, 201);
      assert.equal((await waitRun(d, run.body.id)).state, "Completed");
      project.write("pipelines/a.ts", good("three"));
      await until("a", (x) => x.valid, "fixed");
    });
  }

  test("a run finishes on the version it was created with, even when it starts after an edit", async () => {
    const run = await d.post("/api/pipelines/slow/runs", {});
    // maxActiveRuns: 1, so this one waits in the queue and starts only after the edit below
    const queued = await d.post("/api/pipelines/slow/runs", {});
    await waitRun(d, run.body.id, (r) => r.state === "Running");
    const v1 = run.body.version;
    project.write("pipelines/slow.ts", pipelineSource("slow", `.task("wait", async () => "new")`, "maxActiveRuns: 1"));
    await until("slow", (p) => p.version !== v1, "new version");
    for (const id of [run.body.id, queued.body.id]) {
      const done = await waitRun(d, id);
      assert.equal(done.state, "Completed");
      assert.equal(done.version, v1);
      assert.equal(done.tasks[0].result, "old");
    }
    const next = await d.post("/api/pipelines/slow/runs", {});
    assert.equal((await waitRun(d, next.body.id)).tasks[0].result, "new");
  });

  test("rename keeps the pipeline; delete removes it and its schedules", async () => {
    const schedules = await d.get("/api/schedules");
    assert.ok(JSON.stringify(schedules).includes("b:minutely"));
    renameSync(join(project.dir, "pipelines/b.ts"), join(project.dir, "pipelines/c.ts"));
    await until("b", (p) => p.file.endsWith("c.ts") && p.valid, "renamed");
    project.remove("pipelines/c.ts");
    await waitFor(async () => (await status("b")) === undefined, 30_000, "removed");
    await waitFor(async () => !JSON.stringify(await d.get("/api/schedules")).includes("b:minutely"), 15_000, "schedule removed");
  });

  test("an invalid arraylake.config.ts is reported and the previous config kept", async () => {
    project.write("arraylake.config.ts", `import { defineConfig } from "floe/config";\nexport default defineConfig({ concurrency: { maxActiveRuns: -4 } } as any);\n`);
    const line = await d.waitLog((l) => l.event === "config:invalid");
    assert.match(String(line.msg), /maxActiveRuns/);
    const run = await d.post("/api/pipelines/a/runs", {});
    const done = await waitRun(d, run.body.id);
    assert.equal(done.state, "Completed", JSON.stringify(done));
    project.write("arraylake.config.ts", `import { defineConfig } from "floe/config";\nexport default defineConfig({ daemon: { loaderTimeoutMs: 4000 } });\n`);
    await d.waitLog((l) => l.event === "config:reload" && d.lines.indexOf(l) > d.lines.indexOf(line));
    assert.equal((await d.get("/api/health")).status, "ok");
  });
});
