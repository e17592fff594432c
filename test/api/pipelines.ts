/** Pipelines the API tests run for real. */
import { NonRetriableError, pipeline, z } from "../../src/index.ts";

export const hello = pipeline({
  name: "hello",
  description: "Greets someone",
  params: z.object({ who: z.string().default("world"), times: z.number().int().min(1).default(1) }),
  schedules: [{ name: "nightly", cron: "0 2 * * *", timezone: "Europe/Paris" }],
})
  .task("greet", ({ params }, ctx) => {
    ctx.log.info(`hello ${params.who}`);
    return `hello ${params.who}`.repeat(params.times);
  })
  .task("shout", { needs: ["greet"] }, ({ upstream }, ctx) => {
    ctx.log.debug("shouting");
    return upstream.greet.toUpperCase();
  });

/** Logs and fails with text that contains secrets: nothing of them may come back out of the API. */
export const leaky = pipeline({ name: "leaky" }).task("oops", (_input, ctx) => {
  ctx.log.warn("using token ema_abcdefSECRET123 for the upload");
  throw new NonRetriableError("upload failed: Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl");
});

/** A run that waits until `open()` (or cancellation): for live streams and cancel. */
export function gated(name = "gated") {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const p = pipeline({ name }).task("wait", async (_input, ctx) => {
    ctx.log.info("waiting for the gate");
    await new Promise<void>((resolve, reject) => {
      void gate.then(resolve);
      ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
    });
    ctx.log.info("released");
    return 1;
  });
  return { pipeline: p, open: () => open() };
}
