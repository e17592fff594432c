/**
 * A first pipeline: no data, just the shape. Fan-out over a list, a retry policy, a typed edge.
 * Run it: `npx floe run hello --param who=ocean`.
 */
import { pipeline, z } from "floe";

export default pipeline({
  name: "hello",
  description: "Greets a list of names: fan-out, retries and typed results without any data",
  params: z.object({
    who: z.string().default("world").describe("Comma-separated names to greet"),
    shout: z.boolean().default(false),
  }),
})
  .task("names", ({ params }) => params.who.split(",").map((n) => n.trim()).filter(Boolean))
  .map("greet", { over: "names", retries: { attempts: 2, delay: "100ms" } }, ({ item, params }, ctx) => {
    const text = `hello ${item}`;
    ctx.log.info(text);
    return params.shout ? text.toUpperCase() : text;
  })
  .task("summary", { needs: ["greet"] }, ({ upstream }) => ({ count: upstream.greet.length, greetings: upstream.greet }));
