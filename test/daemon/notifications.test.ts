/**
 * Webhook notifications on a real daemon with a local HTTP receiver: a failed run is POSTed (JSON and Slack
 * formats), a 500 is retried with backoff, a receiver that is down is logged and affects no run, and the secret in
 * a webhook URL never reaches the logs.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { makeProject, startDaemon, waitFor, waitRun } from "./helpers.ts";

test("run-end webhooks: payloads, retries with backoff, a receiver down, secrets redacted", async () => {
  const received: { path: string; body: any }[] = [];
  let failuresLeft = 1;
  const server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (b: Buffer) => (body += b.toString()));
    req.on("end", () => {
      if (req.url!.startsWith("/json") && failuresLeft-- > 0) {
        res.writeHead(500).end();
        return;
      }
      received.push({ path: req.url!, body: JSON.parse(body) });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const down = createServer();
  await new Promise<void>((r) => down.listen(0, "127.0.0.1", r));
  const downPort = (down.address() as AddressInfo).port;
  await new Promise<void>((r) => down.close(() => r()));
  const notifications = [
    { on: ["Failed"], webhook: `http://127.0.0.1:${port}/json?token=sekrit-123`, format: "json" },
    { on: ["Failed", "Completed"], pipelines: ["boom"], webhook: `http://127.0.0.1:${port}/slack`, format: "slack" },
    { on: ["Failed"], webhook: `http://127.0.0.1:${downPort}/gone` },
  ];
  const project = makeProject(
    { "pipelines/boom.ts": `import { pipeline } from "floe";\nexport default pipeline({ name: "boom" }).task("t", () => { throw new Error("kaboom"); });\n` },
    JSON.stringify({ notifications }),
  );
  after(() => project.cleanup());
  after(() => server.close());
  const d = await startDaemon(project);
  try {
    const created = await d.post("/api/pipelines/boom/runs");
    const run = await waitRun(d, created.body.id);
    assert.equal(run.state, "Failed");
    await waitFor(() => received.length === 2, 30_000, "two deliveries");
    const json = received.find((r) => r.path.startsWith("/json"))!.body;
    assert.equal(json.event, "run:end");
    assert.equal(json.runId, run.id);
    assert.equal(json.pipeline, "boom");
    assert.equal(json.state, "Failed");
    assert.match(json.error ?? "", /task\(s\) failed|kaboom/);
    assert.match(json.url, new RegExp(`/runs/${run.id}$`));
    const slack = received.find((r) => r.path === "/slack")!.body;
    assert.match(slack.text, new RegExp(`boom run ${run.id} Failed`));
    assert.ok(d.lines.some((l) => l.event === "notify:retry" && /HTTP 500/.test(String(l.msg))), "the 500 was retried");
    await d.waitLog((l) => l.event === "notify:retry" && /127\.0\.0\.1:\d+\/…/.test(String(l.msg)) && !/HTTP/.test(String(l.msg)), 30_000);
    const again = await d.post("/api/pipelines/boom/runs");
    assert.equal((await waitRun(d, again.body.id)).state, "Failed", "runs go on while a receiver is down");
    assert.ok(!JSON.stringify(d.lines).includes("sekrit"), "the webhook's secret is never logged");
  } finally {
    await d.stop();
  }
});
