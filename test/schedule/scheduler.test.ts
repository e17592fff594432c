/**
 * The scheduler loop on a manual clock, against an in-memory stand-in for the daemon's store: `fire` records the
 * run under the unique key (schedule id, slot) and advances the cursor, as the daemon does in one transaction.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ScheduleSchema, type ScheduleInput } from "../../schemas/schedule.ts";
import { createManualClock, type ManualClock } from "../../src/core/clock.ts";
import { createScheduler, isScheduleError, type Scheduler, type ScheduledTarget } from "../../src/schedule/index.ts";

const T0 = Date.parse("2025-01-01T00:00:00Z");

/** Lets woken code run to its next sleep. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

interface Fired {
  id: string;
  slot: number;
  at: number;
  params: unknown;
}

function harness(clock: ManualClock, cursors = new Map<string, number>(), graceMs?: number) {
  const fired: Fired[] = [];
  const errors: unknown[] = [];
  const keys = new Set<string>();
  let failNext = false;
  const scheduler = createScheduler({
    clock,
    getCursor: (id) => cursors.get(id),
    async fire(target: ScheduledTarget, slot: number) {
      if (failNext) {
        failNext = false;
        throw new Error("database is locked");
      }
      const key = `${target.id}@${slot}`;
      assert.ok(!keys.has(key), `slot fired twice: ${key}`); // the unique key
      keys.add(key);
      fired.push({ id: target.id, slot, at: clock.now(), params: target.schedule.params });
      cursors.set(target.id, slot);
    },
    onError: (e) => errors.push(e),
    random: () => 0.5,
    ...(graceMs === undefined ? {} : { graceMs }),
  });
  return { scheduler, fired, errors, cursors, failOnce: () => (failNext = true) };
}

const sched = (input: ScheduleInput) => ScheduleSchema.parse(input);
const every = (seconds: number, extra: Partial<ScheduleInput> = {}) =>
  sched({ cron: seconds === 1 ? "* * * * * *" : `*/${seconds} * * * * *`, ...extra });
const rel = (xs: readonly Fired[]) => xs.map((f) => (f.slot - T0) / 1000);

async function run(clock: ManualClock, scheduler: Scheduler, steps: number, ms = 1000): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await clock.advance(ms);
    await settle();
  }
  void scheduler;
}

test("an every-second schedule fires exactly at each slot, one sleep at a time", async () => {
  const clock = createManualClock(T0 + 400);
  const { scheduler, fired } = harness(clock);
  scheduler.setSchedules([{ pipeline: "p", schedule: every(1) }]);
  scheduler.start();
  await settle();
  assert.equal(clock.sleepers, 1);
  await clock.advance(600); // exactly the slot at T0+1s
  await settle();
  await run(clock, scheduler, 4);
  assert.deepEqual(rel(fired), [1, 2, 3, 4, 5]);
  assert.ok(fired.every((f) => f.at === f.slot), "woke exactly at the slot");
  assert.equal(fired[0]?.id, "p:default");
  await scheduler.stop();
  assert.equal(clock.sleepers, 0);
});

test("a brand-new schedule does not fire for past slots; long sleeps wake on time", async () => {
  const clock = createManualClock(T0 + 10 * 3_600_000);
  const { scheduler, fired } = harness(clock);
  scheduler.setSchedules([{ pipeline: "p", schedule: sched({ cron: "0 3 1 */2 *" }) }]); // every two months
  scheduler.start();
  await settle();
  assert.equal(fired.length, 0);
  await run(clock, scheduler, 4 * 62, 6 * 3_600_000); // 62 days in 6-hour steps
  assert.deepEqual(fired.map((f) => new Date(f.slot).toISOString()), ["2025-03-01T03:00:00.000Z"]);
  assert.ok(fired[0]!.at - fired[0]!.slot < 6 * 3_600_000);
  await scheduler.stop();
});

test("catch-up after downtime: a restarted scheduler follows each policy", async () => {
  const cases: [ScheduleInput["catchUp"], number[]][] = [
    ["none", [13]],
    ["latest", [12, 13]],
    [{ maxSlots: 3 }, [10, 11, 12, 13]],
    [{ maxSlots: 10, window: "5s" }, [8, 9, 10, 11, 12, 13]],
  ];
  for (const [catchUp, expected] of cases) {
    const clock = createManualClock(T0 + 500);
    const cursors = new Map<string, number>();
    const first = harness(clock, cursors);
    first.scheduler.setSchedules([{ pipeline: "p", schedule: every(1, { catchUp }) }]);
    first.scheduler.start();
    await run(clock, first.scheduler, 3); // fires 1, 2, 3
    await first.scheduler.stop();
    await clock.advance(9000); // down from 3.5 s to 12.5 s: slots 4..12 missed
    const second = harness(clock, cursors, 100); // 12 is 500 ms late: missed, not on time
    second.scheduler.setSchedules([{ pipeline: "p", schedule: every(1, { catchUp }) }]);
    second.scheduler.start();
    await settle();
    await run(clock, second.scheduler, 1, 500); // exactly at the 13 s slot
    assert.deepEqual(rel(first.fired), [1, 2, 3]);
    assert.deepEqual(rel(second.fired), expected, JSON.stringify(catchUp));
    await second.scheduler.stop();
  }
});

test("no slot fires twice across setSchedules reloads and edits back and forth", async () => {
  const clock = createManualClock(T0 + 500);
  const { scheduler, fired } = harness(clock);
  const a = every(1, { params: { v: "a" } });
  const b = every(2, { params: { v: "b" } });
  scheduler.setSchedules([{ pipeline: "p", schedule: a }]);
  scheduler.start();
  for (let i = 0; i < 20; i++) {
    // reload with the same, an edited, and the original schedule again, at varied moments
    scheduler.setSchedules([{ pipeline: "p", schedule: i % 3 === 1 ? b : a }]);
    scheduler.setSchedules([{ pipeline: "p", schedule: structuredClone(i % 2 === 0 ? a : b) }]);
    await clock.advance(i % 4 === 0 ? 1000 : 500);
    scheduler.setSchedules([{ pipeline: "p", schedule: a }]);
    await settle();
  }
  await scheduler.stop();
  const slots = fired.map((f) => f.slot);
  assert.equal(new Set(slots).size, slots.length);
  assert.deepEqual(slots, [...slots].sort((x, y) => x - y));
  assert.ok(fired.length >= 10, `fired ${fired.length}`);
});

test("a second scheduler over the same cursors (double start) cannot repeat a slot", async () => {
  const clock = createManualClock(T0 + 500);
  const cursors = new Map<string, number>();
  const one = harness(clock, cursors);
  one.scheduler.setSchedules([{ pipeline: "p", schedule: every(1) }]);
  one.scheduler.start();
  await run(clock, one.scheduler, 3);
  await one.scheduler.stop();
  const two = harness(clock, cursors);
  two.scheduler.setSchedules([{ pipeline: "p", schedule: every(1) }]);
  two.scheduler.start();
  await settle();
  await run(clock, two.scheduler, 2);
  assert.deepEqual([...rel(one.fired), ...rel(two.fired)], [1, 2, 3, 4, 5]);
  await two.scheduler.stop();
});

test("pause and resume: nothing fires while paused, and the paused time is not caught up", async () => {
  const clock = createManualClock(T0 + 500);
  const { scheduler, fired } = harness(clock);
  scheduler.setSchedules([{ pipeline: "p", schedule: every(1) }]);
  scheduler.start();
  await run(clock, scheduler, 2); // 1, 2
  scheduler.setSchedules([{ pipeline: "p", schedule: every(1, { paused: true }) }]);
  await run(clock, scheduler, 5); // 3..7 paused
  assert.deepEqual(rel(fired), [1, 2]);
  scheduler.setSchedules([{ pipeline: "p", schedule: every(1) }]);
  await settle();
  await run(clock, scheduler, 2);
  assert.deepEqual(rel(fired), [1, 2, 8, 9]);
  await scheduler.stop();
});

test("removed schedules stop; others go on; re-adding does not catch up", async () => {
  const clock = createManualClock(T0 + 500);
  const { scheduler, fired } = harness(clock);
  const x = { pipeline: "x", schedule: every(1) };
  const y = { pipeline: "y", schedule: every(2) };
  scheduler.setSchedules([x, y]);
  scheduler.start();
  await run(clock, scheduler, 2); // x:1 x:2 y:2
  scheduler.setSchedules([y]);
  await run(clock, scheduler, 3); // y:4
  scheduler.setSchedules([x, y]);
  await settle();
  await run(clock, scheduler, 1); // x:6 y:6
  const by = (id: string) => rel(fired.filter((f) => f.id === id));
  assert.deepEqual(by("x:default"), [1, 2, 6]);
  assert.deepEqual(by("y:default"), [2, 4, 6]);
  await scheduler.stop();
});

test("a bad cron is reported and keeps the last good version; other schedules are unaffected", async () => {
  const clock = createManualClock(T0 + 500);
  const { scheduler, fired, errors } = harness(clock);
  scheduler.setSchedules([{ pipeline: "p", schedule: every(1) }]);
  scheduler.start();
  await run(clock, scheduler, 1);
  scheduler.setSchedules([
    { pipeline: "p", schedule: sched({ cron: "61 * * * *" }) },
    { pipeline: "q", schedule: sched({ cron: "* * *" }) },
  ]);
  await run(clock, scheduler, 1);
  assert.equal(errors.length, 2);
  assert.ok(errors.every(isScheduleError));
  assert.match(String(errors[0]), /schedule p:default: cron "61 \* \* \* \*"/);
  assert.deepEqual(rel(fired), [1, 2]);
  await scheduler.stop();
});

test("a failing fire is reported and not retried in a loop; later slots still fire", async () => {
  const clock = createManualClock(T0 + 500);
  const h = harness(clock);
  h.scheduler.setSchedules([{ pipeline: "p", schedule: every(1) }]);
  h.scheduler.start();
  await run(clock, h.scheduler, 1);
  h.failOnce();
  await run(clock, h.scheduler, 2);
  assert.deepEqual(rel(h.fired), [1, 3]);
  assert.match(String(h.errors[0]), /database is locked/);
  await h.scheduler.stop();
});

test("jitter delays the fire, not the slot key", async () => {
  const clock = createManualClock(T0);
  const { scheduler, fired } = harness(clock);
  scheduler.setSchedules([{ pipeline: "p", schedule: sched({ cron: "0 * * * *", jitter: "10m" }) }]);
  scheduler.start();
  await run(clock, scheduler, 70, 60_000);
  assert.deepEqual(fired.map((f) => [f.slot - T0, f.at - T0]), [[3_600_000, 3_600_000 + 300_000]]);
  await scheduler.stop();
});

test("a slow fire delays the next slot of the same schedule, which then fires late, once", async () => {
  const clock = createManualClock(T0 + 500);
  const cursors = new Map<string, number>();
  const slots: number[] = [];
  let release: () => void = () => {};
  const scheduler = createScheduler({
    clock,
    getCursor: (id) => cursors.get(id),
    fire: async (target, slot) => {
      slots.push(slot - T0);
      if (slots.length === 1) await new Promise<void>((r) => (release = r));
      cursors.set(target.id, slot);
    },
    onError: (e) => assert.fail(String(e)),
  });
  scheduler.setSchedules([{ pipeline: "p", schedule: every(1) }]);
  scheduler.start();
  await run(clock, scheduler, 3); // slot 1 is stuck; 2 and 3 come and go
  assert.deepEqual(slots, [1000]);
  release();
  await settle();
  assert.deepEqual(slots, [1000, 3000]); // "latest": the most recent missed slot
  await scheduler[Symbol.asyncDispose]();
});

test("Europe/Paris 02:30 daily: 03:00 CEST on the spring-forward day, once on fall-back", async () => {
  const clock = createManualClock(Date.parse("2025-03-29T12:00:00Z"));
  const { scheduler, fired } = harness(clock);
  scheduler.setSchedules([{ pipeline: "p", schedule: sched({ cron: "30 2 * * *", timezone: "Europe/Paris" }) }]);
  scheduler.start();
  await run(clock, scheduler, 24 * 3, 3_600_000);
  await clock.set(Date.parse("2025-10-25T12:00:00Z"));
  await settle(); // "latest" catches up 2025-10-25 02:30 after the jump
  await run(clock, scheduler, 24 * 2, 3_600_000);
  await scheduler.stop();
  assert.deepEqual(
    fired.map((f) => new Date(f.slot).toISOString()),
    [
      "2025-03-30T01:00:00.000Z",
      "2025-03-31T00:30:00.000Z",
      "2025-04-01T00:30:00.000Z",
      "2025-10-25T00:30:00.000Z",
      "2025-10-26T00:30:00.000Z",
      "2025-10-27T01:30:00.000Z",
    ],
  );
});

test("a throwing getCursor (store error) is reported, not an unhandled rejection; the loop goes on", async () => {
  const clock = createManualClock(T0 + 500);
  const cursors = new Map<string, number>();
  const errors: unknown[] = [];
  const slots: number[] = [];
  let failures = 0;
  const scheduler = createScheduler({
    clock,
    getCursor: (id) => {
      if (slots.length === 1 && failures < 1) {
        failures++;
        throw new Error("SQLITE_BUSY");
      }
      return cursors.get(id);
    },
    fire: async (target, slot) => {
      slots.push((slot - T0) / 1000);
      cursors.set(target.id, slot);
    },
    onError: (e) => errors.push(e),
  });
  scheduler.setSchedules([{ pipeline: "p", schedule: every(1) }]);
  scheduler.start();
  await run(clock, scheduler, 4);
  await scheduler.stop();
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /SQLITE_BUSY/);
  assert.ok(slots.length >= 3 && slots[0] === 1 && slots.at(-1) === 4, JSON.stringify(slots));
});
