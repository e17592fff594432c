/** @module `GET /api/health`: liveness plus a few cheap numbers; open without a token. */
import { HealthSchema } from "../../../schemas/api.ts";
import { RUN_STATES, TERMINAL_RUN_STATES } from "../../core/states.ts";
import { countRunsInStates } from "../../store/index.ts";
import type { ApiDeps } from "../deps.ts";
import { sendJson, type Router } from "../route.ts";

export const ACTIVE_RUN_STATES = RUN_STATES.filter((s) => !TERMINAL_RUN_STATES.has(s));

export function healthRoutes(router: Router, deps: ApiDeps): void {
  router.get(
    {
      path: "/api/health",
      operationId: "getHealth",
      summary: "Liveness, version, uptime, pipeline and active run counts",
      tag: "health",
      public: true,
      responses: { 200: { description: "The API is up", schema: HealthSchema } },
    },
    async (c) =>
      sendJson(c, {
        status: "ok",
        version: deps.version,
        uptimeS: Math.max(0, Math.round((deps.clock.now() - deps.startedAt) / 1000)),
        pipelines: deps.pipelines().length,
        runningRuns: await countRunsInStates(deps.store, ACTIVE_RUN_STATES),
      }),
  );
}
