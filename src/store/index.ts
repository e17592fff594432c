export * from "./errors.ts";
export * from "./types.ts";
export { openStore, integrityCheck, type Store, type OpenStoreOptions } from "./open-store.ts";
export { MIGRATIONS, type Migration } from "./migrations.ts";
export * from "./runs.ts";
export * from "./events-apply.ts";
export * from "./sink.ts";
