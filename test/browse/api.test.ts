/**
 * The repository routes through `app.request()` over a real local Icechunk repository: quick looks (PNG maps, SVG
 * lines, differences), the cache keyed by snapshot, trees, diffs, and every kind of bad input as a 4xx.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decode } from "fast-png";
import { createApp } from "../../src/api/index.ts";
import { createRepoBrowser } from "../../src/browse/index.ts";
import { createTestDaemon } from "../api/helpers.ts";
import { createFixtureRepo, REPO } from "./helpers.ts";

test("repository routes: quick looks, trees, diffs and bad input", async (t) => {
  await using fixture = await createFixtureRepo();
  await using daemon = await createTestDaemon({ pipelines: [] });
  const repos = createRepoBrowser({ client: fixture.client });
  // Closed before the fixture's client, so the repository handles it held can be released and the process exit.
  await using _repos = { [Symbol.asyncDispose]: () => repos.close() };
  const app = createApp({ ...daemon.deps, repos }, { host: "127.0.0.1" });
  const get = (path: string) => app.request(path);

  await t.test("lists repositories and their history", async () => {
    const list = await (await get("/api/repos")).json() as { items: { id: string }[] };
    assert.deepEqual(list.items.map((r) => r.id), [REPO]);
    const overview = await (await get(`/api/repos/${REPO}`)).json() as { history: { id: string; message: string; madeBy: unknown }[]; tags: { name: string; snapshotId: string }[] };
    assert.deepEqual(overview.history.slice(0, 2).map((s) => s.id), [fixture.second, fixture.first]);
    assert.equal(overview.history[0]!.madeBy, null);
    assert.deepEqual(overview.tags, [{ name: "v1", snapshotId: fixture.first }]);
  });

  await t.test("the tree shows arrays with their metadata and time as dates", async () => {
    const tree = await (await get(`/api/repos/${REPO}/tree?ref=v1`)).json() as { ref: { snapshotId: string }; nodes: Record<string, unknown>[] };
    assert.equal(tree.ref.snapshotId, fixture.first);
    const temp = tree.nodes.find((n) => n.path === "ocean/temp")!;
    assert.deepEqual([temp.shape, temp.dtype, temp.chunks, temp.dims], [[12, 18, 36], "float32", [4, 9, 18], ["time", "lat", "lon"]]);
    assert.ok((temp.codecs as string[]).includes("bytes"));
    const time = tree.nodes.find((n) => n.path === "ocean/time")!;
    assert.deepEqual(time.time, { first: "2021-01-01", last: "2021-01-12", calendar: "proleptic_gregorian" });
  });

  await t.test("a 2-D slice is a PNG with a legend strip, cached by snapshot id", async () => {
    const url = `/api/repos/${REPO}/quicklook?array=ocean/temp&ref=main&index=time=3`;
    const res = await get(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("x-floe-snapshot-id"), fixture.second);
    assert.equal(res.headers.get("x-floe-cache"), "miss");
    assert.equal(res.headers.get("cache-control"), "no-cache");
    const png = decode(new Uint8Array(await res.arrayBuffer()));
    assert.equal(png.width, 36);
    assert.ok(png.height > 18, "the legend strip is below the map");
    const again = await get(url);
    assert.equal(again.headers.get("x-floe-cache"), "hit");
    assert.equal(again.headers.get("x-floe-bytes-read"), "0");
    const pinned = await get(`/api/repos/${REPO}/quicklook?array=ocean/temp&ref=${fixture.first}&index=time=3`);
    assert.match(pinned.headers.get("cache-control") ?? "", /immutable/);
  });

  await t.test("a moving branch never serves the old image", async () => {
    const before = await get(`/api/repos/${REPO}/quicklook?array=ocean/temp&ref=main&index=time=0`);
    const [, max] = (before.headers.get("x-floe-value-range") ?? "").split(",").map(Number);
    assert.equal(max, 40);
    const repo = await fixture.client.getRepo(REPO);
    await repo.resetBranch("main", fixture.first);
    const after = await get(`/api/repos/${REPO}/quicklook?array=ocean/temp&ref=main&index=time=0`);
    assert.equal(after.headers.get("x-floe-snapshot-id"), fixture.first);
    assert.ok(Number((after.headers.get("x-floe-value-range") ?? "").split(",")[1]) < 40);
    await repo.resetBranch("main", fixture.second);
  });

  await t.test("a 1-D array is an SVG line plot with dates on x", async () => {
    const res = await get(`/api/repos/${REPO}/quicklook?array=ocean/global-mean&ref=main`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/svg+xml");
    const svg = await res.text();
    assert.match(svg, /^<svg/);
    assert.match(svg, /2021-01-01/);
    assert.match(svg, /global mean temperature \(degC\)/);
  });

  await t.test("the difference of two snapshots", async () => {
    const diff = await (await get(`/api/repos/${REPO}/diff?from=v1&to=main`)).json() as { arraysChanged: { path: string; chunksWritten: number }[] };
    assert.deepEqual(diff.arraysChanged, [{ path: "ocean/temp", chunksWritten: 4 }]);
    const res = await get(`/api/repos/${REPO}/quicklook?array=ocean/temp&ref=main&base=v1&index=time=0`);
    assert.equal(res.status, 200);
    const [min, max] = (res.headers.get("x-floe-value-range") ?? "").split(",").map(Number);
    assert.ok(min! > 0 && max! > 0, "every ocean cell went up to 40");
    const same = await get(`/api/repos/${REPO}/quicklook?array=ocean/temp&ref=main&base=v1&index=time=5`);
    assert.equal(same.headers.get("x-floe-value-range"), "0,0");
  });

  await t.test("bad input is a 4xx with the JSON error shape", async () => {
    const cases: [string, number, string][] = [
      [`/api/repos/test-org/nope/quicklook?array=ocean/temp`, 404, "not_found"],
      [`/api/repos/${REPO}/quicklook?array=ocean/temp&ref=no-such-branch`, 404, "not_found"],
      [`/api/repos/${REPO}/quicklook?array=ocean/nothing`, 404, "not_found"],
      [`/api/repos/${REPO}/quicklook?array=nowhere/temp`, 404, "not_found"],
      [`/api/repos/${REPO}/quicklook?array=ocean/temp&index=time=12`, 400, "invalid_index"],
      [`/api/repos/${REPO}/quicklook?array=ocean/temp&index=depth=0`, 400, "invalid_index"],
      [`/api/repos/${REPO}/quicklook?array=ocean/temp&index=lat=0`, 400, "invalid_index"],
      [`/api/repos/${REPO}/quicklook?array=ocean/temp&index=time`, 400, "invalid_index"],
      [`/api/repos/${REPO}/quicklook?array=../../etc/passwd`, 400, "invalid_path"],
      [`/api/repos/${REPO}/quicklook?array=/ocean/temp`, 400, "invalid_path"],
      [`/api/repos/${REPO}/quicklook?array=ocean//temp`, 400, "invalid_path"],
      [`/api/repos/${REPO}/quicklook`, 400, "invalid_request"],
      [`/api/repos/${REPO}/quicklook?array=ocean/temp&ref=../x`, 404, "not_found"],
      [`/api/repos/${REPO}/quicklook?array=ocean/station`, 422, "cannot_draw"],
      [`/api/repos/..%2F..%2Fetc/x/tree`, 400, "invalid_request"],
      [`/api/repos/${REPO}/diff?from=nope`, 404, "not_found"],
      [`/api/repos/${REPO}/tree?ref=${"A".repeat(20)}`, 404, "not_found"],
    ];
    for (const [url, status, code] of cases) {
      const res = await get(url);
      const body = await res.json() as { error: { code: string; message: string } };
      assert.equal(res.status, status, `${url}: ${body.error?.message}`);
      assert.equal(body.error.code, code, url);
    }
    const station = await (await get(`/api/repos/${REPO}/quicklook?array=ocean/station`)).json() as { error: { message: string } };
    assert.match(station.error.message, /cannot draw "station": dtype string/);
  });

  await t.test("without a browser the routes say so (404)", async () => {
    const bare = createApp(daemon.deps, { host: "127.0.0.1" });
    const res = await bare.request("/api/repos");
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /not configured/);
  });
});
