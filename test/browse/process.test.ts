/**
 * The daemon's browse process over real HTTP: a forked child answers quick looks and keeps error tags across the
 * boundary (404 stays 404); when it dies, calls fail with a 503 and the next call starts it again.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp, serveApp } from "../../src/api/index.ts";
import { createBrowseProcess } from "../../src/daemon/browse-process.ts";
import { createTestDaemon } from "../api/helpers.ts";
import { createFixtureRepo, REPO } from "./helpers.ts";

test("browse process: quick looks over HTTP, tags kept, restarts after a crash", async () => {
  await using fixture = await createFixtureRepo();
  await using daemon = await createTestDaemon({ pipelines: [] });
  const exits: string[] = [];
  const repos = createBrowseProcess({
    settings: () => ({ localReposDir: join(fixture.dir, "arraylake"), serviceUri: "https://unused.invalid", cwd: fixture.dir }),
    env: { ...process.env, ARRAYLAKE_TOKEN: "" }, cwd: fixture.dir, onExit: (r) => exits.push(r),
  });
  const server = await serveApp(createApp({ ...daemon.deps, repos }, { host: "127.0.0.1" }), { host: "127.0.0.1", port: 0 });
  try {
    const look = await fetch(`${server.url}/api/repos/${REPO}/quicklook?array=ocean/temp&index=time=2`);
    assert.equal(look.status, 200);
    assert.equal(look.headers.get("content-type"), "image/png");
    const bytes = new Uint8Array(await look.arrayBuffer());
    assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], "PNG signature");

    const missing = await fetch(`${server.url}/api/repos/${REPO}/quicklook?array=ocean/temp&ref=gone`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: { message: string } }).error.message, /"gone" not found/);

    const pid = await childPid();
    process.kill(pid, "SIGKILL");
    await waitFor(() => exits.length === 1);
    const again = await fetch(`${server.url}/api/repos/${REPO}/tree`);
    assert.equal(again.status, 200, "a new browse process answers");
  } finally {
    await server.close();
    await repos.close();
  }

  /** The browse child's pid: the one child of this process running child.ts. */
  async function childPid(): Promise<number> {
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
    const line = out.split("\n").find((l) => l.includes("browse/child.ts"));
    assert.ok(line, `browse child among:\n${out}`);
    return Number(line.trim().split(/\s+/)[0]);
  }
});

async function waitFor(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}
