/**
 * Fuzz: a few thousand malformed requests (random paths, methods, headers, bodies, query values) from a seeded
 * PRNG against a served app on loopback. No response may be a 5xx, every error has the one JSON shape, and the
 * server still answers afterwards. Set FUZZ_SEED to replay a failure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { createApp, serveApp } from "../../src/api/index.ts";
import { createTestDaemon, json } from "./helpers.ts";
import { hello, leaky } from "./pipelines.ts";

const COUNT = 3000;
const CONCURRENCY = 16;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(random: () => number, knownIds: readonly string[]) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const junk = (max: number): string => {
    const alphabet = ["a", "Z", "0", "-", "_", ".", "%", "%2F", "%00", "%E0%A4%A", "%FF", "é", "😀", "..", "/", "?", "&", "=", "#", "'", '"', "<", ">", "\\", "{", "}", ":", "+", " ", "\t", "ema_x", "eyJ"];
    let s = "";
    const n = Math.floor(random() * max);
    for (let i = 0; i < n; i++) s += pick(alphabet);
    return s;
  };
  const idLike = (): string => pick([...knownIds, "", junk(12), "x".repeat(Math.floor(random() * 400)), "hello", "hello:nightly", "-1", "0", "null", junk(3)]);
  const templates = [
    () => "/api/health", () => "/metrics", () => "/openapi.json", () => "/docs", () => "/", () => `/${junk(20)}`,
    () => "/api/pipelines", () => `/api/pipelines/${idLike()}`, () => `/api/pipelines/${idLike()}/runs`,
    () => "/api/runs", () => `/api/runs/${idLike()}`, () => `/api/runs/${idLike()}/events`, () => `/api/runs/${idLike()}/logs`,
    () => `/api/runs/${idLike()}/cancel`, () => `/api/runs/${idLike()}/retry`, () => "/api/schedules",
    () => `/api/schedules/${idLike()}/${pick(["pause", "resume", junk(6)])}`, () => "/api/commits",
    () => `/api/repos/${idLike()}/${idLike()}/snapshots/${idLike()}`, () => `/api/${junk(10)}/${junk(10)}`,
  ];
  const queryValue = (): string => pick(["", "0", "-1", "1", "50", "500", "501", "1e3", "NaN", "Infinity", "99999999999999999999", "true", "Running", "Failed", "Done", "info", "loud", "2025-01-01T00:00:00Z", "2025-13-45", "yesterday", "bm9wZQ", "W10", "WzEsMl0", junk(30), "x".repeat(600)]);
  const query = (): string => {
    if (random() < 0.3) return "";
    const keys = ["limit", "cursor", "state", "since", "pipeline", "task", "level", "after", "repo", "run", junk(5)];
    const parts: string[] = [];
    for (let i = 0, n = 1 + Math.floor(random() * 4); i < n; i++) parts.push(`${pick(keys)}=${encodeURIComponent(queryValue())}`);
    if (random() < 0.2) parts.push(junk(8));
    return `?${parts.join("&")}`;
  };
  const body = (): { text?: string; type?: string } => {
    const kind = Math.floor(random() * 10);
    const type = pick(["application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "", "application/vnd.api+json", junk(10)]);
    switch (kind) {
      case 0: return {};
      case 1: return { text: "{", type };
      case 2: return { text: JSON.stringify({ params: { who: junk(10), times: pick([1, 0, -1, 1.5, "2", null]) }, idempotencyKey: pick([junk(10), "", 5, null]) }), type };
      case 3: return { text: JSON.stringify(pick([null, 1, "s", [], [1], true, {}, { params: [] }, { params: null }, { extra: 1 }])), type };
      case 4: return { text: "x".repeat(Math.floor(random() * 3_000_000)), type };
      case 5: return { text: Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))).toString("latin1"), type };
      case 6: return { text: `{"params":${"[".repeat(5000)}`, type };
      case 7: return { text: JSON.stringify({ params: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, junk(5)])) }), type };
      default: return { text: junk(40), type };
    }
  };
  return () => {
    const method = pick(["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]);
    const headers: Record<string, string> = {};
    if (random() < 0.2) headers.accept = pick(["text/event-stream", "*/*", "application/json", junk(10)]);
    if (random() < 0.1) headers.authorization = pick(["Bearer x", "Basic y", junk(20)]);
    if (random() < 0.1) headers["last-event-id"] = pick(["1.2", "-1", "abc", "99999999999999999999.1", junk(10)]);
    const b = method === "GET" || method === "HEAD" ? {} : body();
    if (b.type) headers["content-type"] = b.type;
    // Valid framing, so the app (not Node's parser) sees most requests; a few go without a length.
    if (b.text !== undefined && random() < 0.9) headers["content-length"] = String(Buffer.byteLength(b.text, "latin1"));
    return { method, path: encodeURI(pick(templates)() + query()).replace(/%25/g, "%"), headers, body: b.text };
  };
}

function send(base: URL, agent: Agent, r: { method: string; path: string; headers: Record<string, string>; body: string | undefined }) {
  return new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, method: r.method, path: r.path, headers: r.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), type: String(res.headers["content-type"] ?? "") }));
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${r.method} ${r.path}`)));
    req.on("error", reject);
    req.end(r.body === undefined ? undefined : Buffer.from(r.body, "latin1"));
  });
}

test(`fuzz: ${COUNT} malformed requests, no 5xx, one error shape, server alive after`, async () => {
  const seed = Number(process.env.FUZZ_SEED ?? 20251);
  await using daemon = await createTestDaemon({ pipelines: [hello, leaky] });
  const errors: unknown[] = [];
  const app = createApp(daemon.deps, { host: "127.0.0.1", bodyLimit: 256 * 1024, ssePollMs: 50, onError: (e) => errors.push(e) });
  await using server = await serveApp(app, { host: "127.0.0.1", port: 0 });
  const base = new URL(server.url);
  const ids: string[] = [];
  for (const name of ["hello", "leaky"]) {
    const run = await json(await fetch(`${server.url}/api/pipelines/${name}/runs`, { method: "POST" }));
    ids.push(run.id);
    await daemon.settled(run.id);
  }
  const next = generator(mulberry32(seed), ids);
  // One connection per request: a connection the server rightly closes (413, bad framing) must not fail the next request.
  const agent = new Agent({ keepAlive: false, maxSockets: CONCURRENCY });
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let sent = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (sent < COUNT) {
      sent++;
      const r = next();
      let res;
      try {
        res = await send(base, agent, r);
      } catch (e) {
        // The client itself may refuse a request (invalid header chars); that is not the server's fault.
        if (/Invalid character|ERR_INVALID|ERR_UNESCAPED/.test(String((e as Error).message) + (e as { code?: string }).code)) continue;
        failures.push(`${r.method} ${r.path}: ${(e as Error).message}`);
        continue;
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) failures.push(`${r.method} ${r.path} -> ${res.status} ${res.body.slice(0, 200)}`);
      else if (res.status >= 400 && r.method !== "HEAD") {
        try {
          const b = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
          if (typeof b.error?.code !== "string" || typeof b.error.message !== "string") throw new Error("shape");
        } catch {
          failures.push(`${r.method} ${r.path} -> ${res.status} not the error shape: ${res.body.slice(0, 100)}`);
        }
      }
    }
  }));
  agent.destroy();
  for (const id of (await json(await fetch(`${server.url}/api/runs?limit=500`))).items.map((r: { id: string }) => r.id)) await daemon.settled(id);
  assert.deepEqual(failures.slice(0, 20), [], `seed ${seed}; statuses ${JSON.stringify([...statuses])}`);
  assert.deepEqual(errors, []);
  assert.ok((statuses.get(404) ?? 0) > 100 && (statuses.get(400) ?? 0) > 100 && (statuses.get(200) ?? 0) > 100, JSON.stringify([...statuses]));
  const health = await fetch(`${server.url}/api/health`);
  assert.equal(health.status, 200);
});
