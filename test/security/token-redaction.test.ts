/**
 * An Arraylake token never appears in logs, errors, the database or API output. A real daemon runs a pipeline
 * that does its best to leak the token (logs, console, errors, results, params); then every byte the daemon
 * wrote or served is searched for it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeProject, pipelineSource, startDaemon, waitRun } from "../daemon/helpers.ts";

const TOKEN = `ema_${randomBytes(16).toString("hex")}`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return []; // versions/node_modules/floe points back at the package
    return stat.isDirectory() ? filesUnder(path) : [path];
  });
}

test("the token is redacted from logs, errors, results, params, the database and every API response", async () => {
  const project = makeProject({
    "pipelines/loud.ts": `console.log("import-time " + process.env.ARRAYLAKE_TOKEN);\n${pipelineSource("loud", '.task("a", () => 1)')}`,
    "pipelines/leaky.ts": pipelineSource(
      "leaky",
      `.task("leak", async ({ params }, ctx) => {
        const token = process.env.ARRAYLAKE_TOKEN ?? "missing";
        ctx.log.info("token is " + token);
        console.log("console says " + token);
        console.error("stderr says " + token);
        try { await ctx.arraylake.listRepos("acme"); } catch (e) { ctx.log.warn("arraylake: " + String(e)); }
        return { echoed: token, note: params.note };
      })
      .task("fail", { needs: ["leak"] }, () => { throw new Error("failing with " + process.env.ARRAYLAKE_TOKEN); })`,
      `params: z.object({ note: z.string().default("") })`,
    ),
  });
  const daemon = await startDaemon(project, { ARRAYLAKE_TOKEN: TOKEN });
  const responses: string[] = [];
  try {
    const created = await daemon.post("/api/pipelines/leaky/runs", { params: { note: `pasted ${TOKEN} by mistake` } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const run = await waitRun(daemon, created.body.id);
    assert.equal(run.state, "Failed");
    for (const path of [
      `/api/runs/${run.id}`,
      `/api/runs/${run.id}/logs`,
      `/api/runs/${run.id}/events`,
      "/api/runs",
      "/api/pipelines",
      "/api/schedules",
      "/api/commits",
      "/api/health",
      "/metrics",
      "/openapi.json",
    ]) {
      responses.push(await (await fetch(daemon.url + path)).text());
    }
  } finally {
    await daemon.stop();
  }
  const stored = filesUnder(project.stateDir).map((f) => readFileSync(f).toString("latin1"));
  const everything = [...responses, ...stored, daemon.stderr(), JSON.stringify(daemon.lines)];
  for (const [i, text] of everything.entries()) assert.equal(text.includes(TOKEN), false, `token found in output #${i}`);
  // The leak paths were exercised: the redacted form is there instead.
  const logs = responses[1]!;
  assert.match(logs, /token is ema_\*\*\*/);
  assert.match(responses[0]!, /failing with ema_\*\*\*/);
  project.cleanup();
});
