/**
 * A node whose database stops answering without failing (a cut link drops packets: no error, no reset, for
 * minutes) kills its run before the run's lease can expire, so the run never executes on two nodes at once. The
 * database sits behind a TCP relay the test can freeze; the grace (FLOE_DB_GRACE_MS) is long, so only the lease
 * can be what stops the run.
 */
import assert from "node:assert/strict";
import { createServer, connect, type Socket } from "node:net";
import { after, before, test } from "node:test";
import pg from "pg";
import { startTestPostgres, type TestPostgres } from "../store/postgres-server.ts";
import { makeProject, pipelineSource, startDaemon, waitFor, type RunningDaemon } from "./helpers.ts";

const LEASE_MS = 3_000;
const project = makeProject({
  "pipelines/long.ts": pipelineSource("long", `.task("wait", async () => { await new Promise((r) => setTimeout(r, 120_000)); })`),
}, "{ daemon: { shutdownGraceMs: 300 } }");

/** A TCP relay to `port` that can stop forwarding (sockets left open, bytes dropped), as a cut link does. */
async function blackHoleRelay(port: number): Promise<{ port: number; freeze(): void; close(): void }> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
    }
    client.on("data", (d) => void (frozen || upstream.write(d)));
    upstream.on("data", (d) => void (frozen || client.write(d)));
    client.on("close", () => frozen || upstream.destroy());
    upstream.on("close", () => frozen || client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    freeze: () => void (frozen = true),
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

let server: TestPostgres;
let url: string;
let relay: Awaited<ReturnType<typeof blackHoleRelay>>;
let daemon: RunningDaemon;

before(async () => {
  server = await startTestPostgres();
  url = await server.freshUrl();
  const target = new URL(url);
  relay = await blackHoleRelay(Number(target.port));
  const through = new URL(url);
  through.port = String(relay.port);
  daemon = await startDaemon(project, { FLOE_DATABASE_URL: through.toString(), FLOE_LEASE_MS: String(LEASE_MS), FLOE_DB_GRACE_MS: "600000" });
});

after(async () => {
  daemon?.proc.kill("SIGKILL");
  relay?.close();
  await server?.stop();
  project.cleanup();
});

test("a database that stops answering: the run is killed before its lease ends, though no query failed", async () => {
  const { status, body } = await daemon.post("/api/pipelines/long/runs", {});
  assert.equal(status, 201, JSON.stringify(body));
  const id = body.id as string;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const running = await waitFor(async () => {
      const row = (await db.query<{ pid: number | null; lease_expires_at: string | null }>("SELECT pid, lease_expires_at FROM runs WHERE id = $1", [id]).catch(() => ({ rows: [] }))).rows[0];
      return row?.pid ? row : undefined;
    }, 60_000, "the run's process");
    await new Promise((r) => setTimeout(r, 500)); // the run's first writes and a renewal go through
    relay.freeze();
    const frozenAt = Date.now();
    const lost = await daemon.waitLog((l) => l.event === "run:lost" && l.runId === id, LEASE_MS * 3);
    assert.match(String(lost.msg), /could not be renewed \(the database did not answer\)/);
    await waitFor(() => {
      try {
        process.kill(running.pid!, 0);
        return undefined;
      } catch {
        return true;
      }
    }, 5_000, "the run's process to be gone");
    // Gone before the lease it last renewed could end (the database's view: another node could not take it yet).
    const lease = Number((await db.query<{ lease_expires_at: string }>("SELECT lease_expires_at FROM runs WHERE id = $1", [id])).rows[0]?.lease_expires_at);
    assert.ok(Date.now() <= lease, `the process outlived its lease by ${Date.now() - lease} ms (frozen ${Date.now() - frozenAt} ms ago)`);
  } finally {
    await db.end();
  }
});
