/**
 * @module `createDashboard` / `mountDashboard`: the web dashboard as Hono routes over the same {@link ApiDeps} as
 * the API. Pages read the store directly (server-rendered, escaped by hono's `html`); every action the browser
 * takes goes through the API's JSON routes, so validation, auth and the single-writer rule stay in one place.
 * @example
 * const app = createApp(deps, { host });
 * mountDashboard(app, deps); // "/" pipelines, "/runs", "/runs/:id", "/commits", "/repos/...", "/ui/*"
 */
import { Hono } from "hono";
import type { ApiDeps } from "../api/deps.ts";
import { CLIENT_SCRIPT } from "./client-script.ts";
import { backfillPage, backfillPart, backfillsPage } from "./pages/backfills.ts";
import { commitsPage } from "./pages/commits.ts";
import { diffPage } from "./pages/diff.ts";
import { lookPage } from "./pages/look.ts";
import { repoPage, reposPage } from "./pages/repos.ts";
import { pipelinesPage, pipelinesPart } from "./pages/pipelines.ts";
import { runPage, runPart } from "./pages/run.ts";
import { runsPage, runsPart } from "./pages/runs.ts";
import { STYLES } from "./styles.ts";

/** Static assets change only with a new floe version; a short cache keeps a daemon upgrade visible. */
const ASSET_HEADERS = { "cache-control": "public, max-age=300", "x-content-type-options": "nosniff" } as const;

export function createDashboard(deps: ApiDeps): Hono {
  const web = new Hono();
  web.get("/", (c) => pipelinesPage(c, deps));
  web.get("/runs", (c) => runsPage(c, deps));
  web.get("/runs/:id", (c) => runPage(c, deps, c.req.param("id")));
  web.get("/commits", (c) => commitsPage(c, deps));
  web.get("/backfills", (c) => backfillsPage(c, deps));
  web.get("/backfills/:id", (c) => backfillPage(c, deps, c.req.param("id")));
  web.get("/ui/part/backfills/:id", (c) => backfillPart(c, deps, c.req.param("id")));
  web.get("/repos", (c) => reposPage(c, deps));
  web.get("/repos/:org/:name", (c) => repoPage(c, deps, c.req.param("org"), c.req.param("name")));
  web.get("/repos/:org/:name/look", (c) => lookPage(c, deps, c.req.param("org"), c.req.param("name")));
  web.get("/repos/:org/:name/diff", (c) => diffPage(c, deps, c.req.param("org"), c.req.param("name")));
  web.get("/ui/part/pipelines", (c) => pipelinesPart(c, deps));
  web.get("/ui/part/runs", (c) => runsPart(c, deps));
  web.get("/ui/part/runs/:id", (c) => runPart(c, deps, c.req.param("id")));
  web.get("/ui/app.js", (c) => c.body(CLIENT_SCRIPT, 200, { ...ASSET_HEADERS, "content-type": "text/javascript; charset=utf-8" }));
  web.get("/ui/app.css", (c) => c.body(STYLES, 200, { ...ASSET_HEADERS, "content-type": "text/css; charset=utf-8" }));
  return web;
}

/** Adds the dashboard's routes to an app that already has the API (`createApp`): one line for the daemon. */
export function mountDashboard(app: Hono, deps: ApiDeps): void {
  app.route("/", createDashboard(deps));
}
