/** @module `defineConfig`: what `arraylake.config.ts` default-exports; typed for editors, checked at load. */
import type { FloeConfigInput } from "../../schemas/config.ts";

/**
 * @example
 * export default defineConfig({ daemon: { port: 4300 }, concurrency: { pools: { "arraylake-writes": 1 } } });
 */
export function defineConfig(config: FloeConfigInput): FloeConfigInput {
  return config;
}
