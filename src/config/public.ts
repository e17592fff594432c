/** @module `floe/config`: what arraylake.config.ts imports. */
export { defineConfig } from "./define.ts";
export type { FloeConfigInput as FloeConfig } from "../../schemas/config.ts";
