/**
 * Resume and run-level retries while the daemon is up: a run whose process is killed resumes at once reusing its
 * completed tasks (at most `maxResumes` times), and `retries` creates retry runs after their delay.
 */
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { makeProject, daemonForFile, waitFor, TERMINAL } from "./helpers.ts";

const source = (name: string, options: string, body: string): string => `import { pipeline } from "floe";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
const count = (file) => (existsSync(file) ? readFileSync(file, "utf8").length : 0);
export default pipeline({ name: ${JSON.stringify(name)}, ${options} })
  .task("first", () => { appendFileSync("${name}.first", "x"); return 1; })
  ${body};
`;

const project = makeProject({
  // killed (SIGKILL, as the kernel's OOM killer does) on its first attempt only
  "pipelines/oom.ts": source("oom", "resume: true", `.task("die", { needs: ["first"] }, async ({ upstream }) => {
    await new Promise((r) => setTimeout(r, 200)); // what "first" reported reaches the daemon
    if (count("oom.die") === 0) { appendFileSync("oom.die", "x"); process.kill(process.pid, "SIGKILL"); }
    return upstream.first + 1;
  })`),
  "pipelines/always.ts": source("always", "resume: true, maxResumes: 2", `.task("die", { needs: ["first"] }, () => { process.kill(process.pid, "SIGKILL"); })`),
  "pipelines/flaky.ts": source("flaky", `retries: { count: 3, delay: "400ms" }`, `.task("flaky", { needs: ["first"] }, () => {
    appendFileSync("flaky.tries", "x");
    if (count("flaky.tries") < 3) throw new Error("not yet");
    return "ok";
  })`),
  // hooks run in the run process: the pipeline's onRetry while a retry follows, then onFailure; a task hook logs
  "pipelines/hopeless.ts": source("hopeless", `retries: 1,
    onRetry: (e, ctx) => appendFileSync("hopeless.hooks", \`retry \${ctx.runId} \${e.message}\\n\`),
    onFailure: (e, ctx) => appendFileSync("hopeless.hooks", \`failure \${ctx.runId} \${ctx.state}\\n\`)`,
    `.task("fail", { needs: ["first"], onFailure: (e, ctx) => ctx.log.warn(\`hook saw \${e.message}\`) }, () => { throw new Error("never"); })`),
});
const d = daemonForFile(project);

/** Waits until the pipeline has `n` runs, all ended, and returns them oldest first. */
async function chain(pipeline: string, n: number): Promise<any[]> {
  const runs = await waitFor(async () => {
    const items = (await d.get(`/api/runs?pipeline=${pipeline}`)).items as any[];
    return items.length >= n && items.every((r) => TERMINAL.includes(r.state)) ? items : undefined;
  }, 60_000, `${n} ended runs of ${pipeline}`);
  return [...runs].reverse();
}
const runDetail = (id: string): Promise<any> => d.get(`/api/runs/${id}`);
const countOf = (file: string): number => (existsSync(join(project.dir, file)) ? readFileSync(join(project.dir, file), "utf8").length : 0);

test("resume: true — a run whose process is killed resumes at once, reusing completed tasks", async () => {
  const created = await d.post("/api/pipelines/oom/runs", { scheduledFor: "2025-01-02T00:00:00Z" });
  const [first, second] = await chain("oom", 2);
  assert.equal(first.id, created.body.id);
  assert.equal(first.state, "Crashed");
  assert.match(first.error?.message ?? "", /SIGKILL/);
  assert.equal(second.state, "Completed");
  assert.equal(second.retryOf, first.id);
  assert.equal(second.scheduledFor, "2025-01-02T00:00:00.000Z", "the logical date carries over");
  assert.deepEqual(second.trigger.detail, { resumes: 1, retries: 0, resumeOf: first.id });
  const tasks = (await runDetail(second.id)).tasks;
  assert.equal(tasks.find((t: any) => t.task === "first").state, "Cached");
  assert.equal(tasks.find((t: any) => t.task === "die").result, 2);
  assert.equal(countOf("oom.first"), 1, "the completed task ran once");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await d.get("/api/runs?pipeline=oom")).items.length, 2, "no further run");
});

test("maxResumes bounds the resumes of a run that keeps dying", async () => {
  await d.post("/api/pipelines/always/runs");
  const runs = await chain("always", 3);
  await new Promise((r) => setTimeout(r, 1_000));
  const all = (await d.get("/api/runs?pipeline=always")).items as any[];
  assert.equal(all.length, 3, "the first run and 2 resumes");
  assert.ok(runs.every((r) => r.state === "Crashed"));
  assert.deepEqual(runs.map((r) => r.trigger.detail?.resumes ?? 0), [0, 1, 2]);
});

test("run-level retries: retry runs after the delay reuse completed tasks until one completes; a count bounds them", async () => {
  await d.post("/api/pipelines/flaky/runs");
  await d.post("/api/pipelines/hopeless/runs");
  const runs = await chain("flaky", 3);
  assert.deepEqual(runs.map((r) => r.state), ["Failed", "Failed", "Completed"]);
  assert.equal(runs[1].retryOf, runs[0].id);
  assert.equal(runs[2].retryOf, runs[1].id);
  for (let i = 1; i < 3; i++) {
    assert.ok(Date.parse(runs[i].startedAt) - Date.parse(runs[i - 1].endedAt) >= 390, "the retry waited for its delay");
  }
  assert.equal(countOf("flaky.first"), 1, "the completed task was reused by every retry");
  const hopeless = await chain("hopeless", 2);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await d.get("/api/runs?pipeline=hopeless")).items.length, 2, "retries: 1 makes exactly one retry");
  assert.deepEqual(hopeless.map((r) => r.state), ["Failed", "Failed"]);
  assert.equal(
    readFileSync(join(project.dir, "hopeless.hooks"), "utf8"),
    `retry ${hopeless[0].id} 1 task(s) failed: fail\nfailure ${hopeless[1].id} Failed\n`,
    "onRetry while a retry follows, onFailure for the last run",
  );
  const logs = (await d.get(`/api/runs/${hopeless[0].id}/logs`)).items as any[];
  assert.ok(logs.some((l) => l.task === "fail" && l.level === "warn" && l.message === "hook saw never"), JSON.stringify(logs));
});
