/**
 * Choosing PostgreSQL by `FLOE_DATABASE_URL`: an unreachable database stops `floe start` with one clear line naming
 * host and port (exit 1), a malformed URL is a config error, and the password appears nowhere.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/config/index.ts";
import { runForeground } from "../../src/daemon/foreground.ts";
import { freePort } from "../store/adapters.ts";
import { makeProject, spawnFloe } from "./helpers.ts";

const SECRET = "S3cret-Db-Pass";

test("floe start with an unreachable FLOE_DATABASE_URL: host and port, never the password, exit 1", async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), "floe-dburl-"));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const port = await freePort();
  const out: string[] = [];
  const env = { ...process.env, FLOE_DATABASE_URL: `postgres://floe:${SECRET}@127.0.0.1:${port}/floe`, FLOE_PORT: "0" };
  const code = await runForeground("json", { cwd, env, stdout: (s) => out.push(s), stderr: (s) => out.push(s) });
  const text = out.join("");
  assert.equal(code, 1, text);
  assert.match(text, new RegExp(`postgres://floe@127\\.0\\.0\\.1:${port}/floe`));
  assert.match(text, /connection refused/);
  assert.match(text, /FLOE_DATABASE_URL/);
  assert.ok(!text.includes(SECRET), text);
});

test("the floe start process: exit 1, host and port on stderr, the password in neither stdout nor stderr", async (t) => {
  const project = makeProject({});
  t.after(() => project.cleanup());
  const port = await freePort();
  const proc = spawnFloe(project, ["start"], { FLOE_DATABASE_URL: `postgresql://floe:${SECRET}@127.0.0.1:${port}/floe?sslmode=disable` });
  let stdout = "";
  let stderr = "";
  proc.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once("exit", resolve));
  assert.equal(code, 1, stdout + stderr);
  assert.match(stderr, new RegExp(`cannot open the state database at postgres://floe@127\\.0\\.0\\.1:${port}/floe: connection refused`));
  assert.ok(!stdout.includes(SECRET) && !stderr.includes(SECRET), stdout + stderr);
});

test("a FLOE_DATABASE_URL that is not postgres:// is a config error that does not echo it", async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), "floe-dburl-"));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const error = await loadConfig(cwd, { FLOE_DATABASE_URL: `mysql://root:${SECRET}@db/floe` }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof Error);
  assert.match(error.message, /FLOE_DATABASE_URL.*postgres:\/\//);
  assert.ok(!error.message.includes(SECRET));
  const config = await loadConfig(cwd, { FLOE_DATABASE_URL: `postgres://u:${SECRET}@db:5433/x` });
  assert.equal(config.databaseUrl, `postgres://u:${SECRET}@db:5433/x`);
});
