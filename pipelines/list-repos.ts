/** The seed's first example: list the repositories of an organisation. */
import { pipeline, z } from "floe";

export default pipeline({
  name: "list-repos",
  description: "Lists an organisation's repositories (local ones unless ARRAYLAKE_TOKEN is set)",
  params: z.object({ org: z.string().default("my-climate-company").describe("Organisation") }),
}).task("list", async ({ params }, ctx) => {
  const repos = await ctx.arraylake.listRepos(params.org);
  for (const repo of repos) ctx.log.info(repo.id);
  ctx.log.info(`${repos.length} repositories in ${params.org}`);
  return repos.map((r) => r.id);
});
