/** @module `GET /openapi.json` (generated once, from the routes as declared) and the `/docs` reference page. */
import type { ApiDeps } from "../deps.ts";
import { DOCS_CSP, docsPage } from "../docs-page.ts";
import { openApiDocument } from "../openapi.ts";
import type { Router } from "../route.ts";

export function docsRoutes(router: Router, deps: ApiDeps, opts: { auth: boolean }): void {
  // Generated on first request, when every route is registered; the route set never changes afterwards.
  let document: string | undefined;
  router.get(
    {
      path: "/openapi.json",
      operationId: "getOpenApi",
      summary: "This document (OpenAPI 3.1)",
      tag: "docs",
      responses: { 200: { description: "OpenAPI 3.1 document" } },
    },
    (c) => {
      document ??= JSON.stringify(openApiDocument(router.routes, { version: deps.version, auth: opts.auth }));
      return c.body(document, 200, { "content-type": "application/json; charset=utf-8" });
    },
  );
  // The page is a static shell without data (it fetches /openapi.json with the token typed in), so it is open:
  // a browser cannot attach a bearer token to a navigation.
  const html = docsPage();
  router.get(
    {
      path: "/docs",
      operationId: "getDocs",
      summary: "Interactive API reference (works offline)",
      tag: "docs",
      public: true,
      responses: { 200: { description: "HTML page", contentType: "text/html" } },
    },
    (c) => c.html(html, 200, { "content-security-policy": DOCS_CSP, "x-content-type-options": "nosniff" }),
  );
}
