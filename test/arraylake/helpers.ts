/** @module Test helpers: temp folders, fixture paths, a client over a fresh repos dir. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after } from "node:test";
import { Client, type ClientOptions } from "../../src/arraylake/index.ts";

/** The Python-written fixtures: `shared/` beside the repository root. */
export const FIXTURES = fileURLToPath(new URL("../../../shared/fixtures/icechunk/", import.meta.url));

export function tempDir(prefix = "floe-al-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function localClient(options: ClientOptions = {}): Client {
  const client = new Client({ env: {}, localReposDir: tempDir(), ...options });
  after(() => client.close());
  return client;
}
