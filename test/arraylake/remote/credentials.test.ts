/** Refreshable credentials: one fetch for a burst of callers, refresh inside the margin, invalidation on ExpiredToken. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { refreshingCredentials } from "../../../src/arraylake/remote/credentials.ts";
import { backoff } from "../../../src/arraylake/remote/s3-client.ts";

function source(lifetimeMs: number, marginMs: number) {
  let now = 1_000_000;
  let n = 0;
  const creds = refreshingCredentials(
    async () => {
      n += 1;
      await new Promise((r) => setTimeout(r, 5));
      return { accessKeyId: `K${n}`, secretAccessKey: "s", expiresAt: new Date(now + lifetimeMs) };
    },
    { marginMs, now: () => now },
  );
  return { creds, advance: (ms: number) => void (now += ms) };
}

test("a burst of callers shares one fetch; credentials are reused until the margin", async () => {
  const { creds, advance } = source(60_000, 10_000);
  const burst = await Promise.all(Array.from({ length: 20 }, () => creds.get()));
  assert.equal(creds.fetches, 1);
  assert.ok(burst.every((c) => c?.accessKeyId === "K1"));
  advance(49_000);
  assert.equal((await creds.get())?.accessKeyId, "K1");
  advance(2_000); // 9 s left: inside the margin
  assert.equal((await creds.get())?.accessKeyId, "K2");
  assert.equal(creds.fetches, 2);
});

test("invalidating the credentials storage rejected forces one refresh; stale invalidations are ignored", async () => {
  const { creds } = source(3_600_000, 0);
  const first = await creds.get();
  creds.invalidate(first);
  creds.invalidate(first);
  const second = await creds.get();
  assert.equal(second?.accessKeyId, "K2");
  creds.invalidate(first); // a late report about the old key must not discard the new one
  assert.equal((await creds.get())?.accessKeyId, "K2");
  assert.equal(creds.fetches, 2);
});

test("backoff grows exponentially with jitter and is capped", () => {
  for (let attempt = 0; attempt < 5; attempt++) {
    const d = 100 * 2 ** attempt;
    const b = backoff(attempt, 100);
    assert.ok(b >= d / 2 && b <= d, `${attempt}: ${b}`);
  }
  assert.ok(backoff(30, 100) <= 10_000);
});
