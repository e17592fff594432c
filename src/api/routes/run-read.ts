/** @module Reading one run or failing with NotFoundError (404), shared by the run, log and cache modules. */
import { NotFoundError } from "../../core/errors.ts";
import { getRun, type RunDetail, type Store } from "../../store/index.ts";

export async function mustGetRun(store: Store, id: string): Promise<RunDetail> {
  const run = await getRun(store, id);
  if (!run) throw new NotFoundError("run", id);
  return run;
}
