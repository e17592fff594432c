/** @module The Arraylake client as a task sees it (`ctx.arraylake`): the Client's public surface, no internals. */
import type { Client } from "./client.ts";

export type ArraylakeClient = Pick<
  Client,
  "listRepos" | "getRepo" | "createRepo" | "getOrCreateRepo" | "deleteRepo" | "close" | typeof Symbol.asyncDispose
>;
