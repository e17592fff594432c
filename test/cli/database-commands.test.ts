/**
 * `floe run`, `floe cancel` and `floe retry` from a machine with no daemon and no pipelines, only FLOE_DATABASE_URL
 * (real PostgreSQL, embedded): the CLI acts through the database, the cluster's node runs what it queues, and the
 * messages and exit codes are those of the daemon route. The password never shows.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, test } from "node:test";
import { makeProject, pipelineSource, spawnFloe, startDaemon, waitRun, type Project, type RunningDaemon } from "../daemon/helpers.ts";
import { PG_PASSWORD, startTestPostgres, type TestPostgres } from "../store/postgres-server.ts";

const hello = pipelineSource(
  "hello",
  `.task("greet", ({ params }) => "hello " + params.who)`,
  `params: z.object({ who: z.string().default("world"), n: z.number().int().min(1).default(1) })`,
);
const slow = pipelineSource("slow", `.task("wait", async () => { await new Promise((r) => setTimeout(r, 60_000)); })`);

let server: TestPostgres;
let url: string;
let node: RunningDaemon;
let cluster: Project;
let elsewhere: Project;

before(async () => {
  server = await startTestPostgres();
  url = await server.freshUrl();
  cluster = makeProject({ "pipelines/hello.ts": hello, "pipelines/slow.ts": slow });
  node = await startDaemon(cluster, { FLOE_DATABASE_URL: url });
  elsewhere = makeProject({}); // no pipelines, its own state folder, no daemon
});
after(async () => {
  await node?.stop();
  cluster?.cleanup();
  elsewhere?.cleanup();
  await server?.stop();
});

async function floe(project: Project, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc: ChildProcess = spawnFloe(project, args, { FLOE_DATABASE_URL: url, ...env });
  let stdout = "";
  let stderr = "";
  proc.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once("exit", resolve));
  assert.ok(!stdout.includes(PG_PASSWORD) && !stderr.includes(PG_PASSWORD), stdout + stderr);
  // Node's own warnings (WASI is experimental) are not floe's messages
  return { code, stdout, stderr: stderr.split("\n").filter((l) => !/^\(node:\d+\) \w*Warning|^\(Use `node --trace/.test(l)).join("\n") };
}

test("floe run queues the active version through the database and follows it to Completed", async () => {
  const r = await floe(elsewhere, ["run", "hello", "--param", "who=cli", "--json"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.state, "Completed");
  assert.deepEqual(doc.params, { who: "cli", n: 1 });
  const run = await node.get(`/api/runs/${doc.id}`);
  assert.equal(run.tasks[0].result, "hello cli");
  assert.equal(run.version, (await node.get("/api/pipelines/hello")).version);
  const text = await floe(elsewhere, ["run", "hello"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^run \w+ {2}hello@[0-9a-f]{16} {2}\(queued in postgres:\/\/floe@127\.0\.0\.1:\d+\/\w+\)\n/);
  assert.match(text.stdout, /greet\s+Completed/);
});

test("invalid params and unknown pipelines: the daemon route's messages and exit codes", async () => {
  const viaDb = await floe(elsewhere, ["run", "hello", "--param", "n=0", "--param", "whoo=x"]);
  const viaDaemon = await floe(cluster, ["run", "hello", "--param", "n=0", "--param", "whoo=x"]);
  assert.equal(viaDb.code, 1);
  assert.equal(viaDaemon.code, 1);
  assert.match(viaDb.stderr, /^floe run: invalid params for "hello"\n {2}params\.whoo: .*did you mean "who"/);
  assert.equal(viaDb.stderr, viaDaemon.stderr);
  const unknown = await floe(elsewhere, ["run", "nope"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /pipeline.*nope/);
});

test("floe cancel stops a run another node executes; floe retry queues the retry; a running run is not retried", async () => {
  const { body } = await node.post("/api/pipelines/slow/runs", {});
  await waitRun(node, body.id, (r) => r.state === "Running");
  const early = await floe(elsewhere, ["retry", body.id]);
  assert.equal(early.code, 1);
  assert.match(early.stderr, new RegExp(`floe retry: run ${body.id} is still Running; cancel it first`));
  const cancelled = await floe(elsewhere, ["cancel", body.id, "--wait"]);
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.equal(cancelled.stdout, `${body.id} Cancelled\n`);
  const again = await floe(elsewhere, ["cancel", body.id]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`run ${body.id} already ended \\(Cancelled\\)`));

  const first = await node.post("/api/pipelines/hello/runs", { params: { who: "first" } });
  await waitRun(node, first.body.id);
  const retried = await floe(elsewhere, ["retry", first.body.id, "--json"]);
  assert.equal(retried.code, 0, retried.stderr);
  const doc = JSON.parse(retried.stdout);
  assert.equal(doc.state, "Completed");
  assert.equal(doc.retryOf, first.body.id);
  assert.deepEqual(doc.params, { who: "first", n: 1 });
});
