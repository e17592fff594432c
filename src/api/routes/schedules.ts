/** @module Schedule routes: list with cursors and next slots, pause and resume (through the daemon). */
import { ErrorBodySchema, ScheduleListSchema, SchedulePathSchema, ScheduleSchema } from "../../../schemas/api.ts";
import type { ScheduleBody } from "../../../schemas/api.ts";
import { nextSlots } from "../../schedule/slots.ts";
import { listSchedules, type ScheduleRecord } from "../../store/index.ts";
import type { ApiDeps } from "../deps.ts";
import { presentSchedule } from "../present.ts";
import { sendJson, type Router } from "../route.ts";

const NEXT_SLOTS = 5;

/** A schedule as the API shows it: a paused schedule has no next slots. */
export function scheduleView(deps: ApiDeps, s: ScheduleRecord): ScheduleBody {
  let next: number[] = [];
  if (!s.paused) {
    try {
      next = nextSlots({ cron: s.cron, timezone: s.timezone }, deps.clock.now(), NEXT_SLOTS);
    } catch {
      // A row whose cron no longer parses is shown without slots; the loader reports the diagnostic.
    }
  }
  return presentSchedule(s, next);
}

export async function schedulesOf(deps: ApiDeps, pipeline?: string): Promise<ScheduleBody[]> {
  return (await listSchedules(deps.store, pipeline === undefined ? {} : { pipeline })).map((s) => scheduleView(deps, s));
}

export function scheduleRoutes(router: Router, deps: ApiDeps): void {
  router.get(
    {
      path: "/api/schedules",
      operationId: "listSchedules",
      summary: "Every schedule with its cursor, next slots, policies and pause state",
      tag: "schedules",
      responses: { 200: { description: "Schedules by pipeline then name", schema: ScheduleListSchema } },
    },
    async (c) => sendJson(c, { items: await schedulesOf(deps) }),
  );

  for (const [action, paused] of [["pause", true], ["resume", false]] as const) {
    router.post(
      {
        path: `/api/schedules/:id/${action}`,
        operationId: `${action}Schedule`,
        summary: paused ? "Pause a schedule (no new slots fire)" : "Resume a paused schedule",
        tag: "schedules",
        params: SchedulePathSchema,
        responses: {
          200: { description: "The schedule", schema: ScheduleSchema },
          404: { description: "Unknown schedule", schema: ErrorBodySchema },
        },
      },
      async (c, { params }) => sendJson(c, scheduleView(deps, await deps.pauseSchedule(params.id, paused))),
    );
  }
}
