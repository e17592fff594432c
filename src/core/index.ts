export * from "./states.ts";
export * from "./errors.ts";
export * from "./ids.ts";
export * from "./clock.ts";
export * from "./duration.ts";
export * from "./redact.ts";
export * from "./events.ts";
