export { defineConfig } from "./define.ts";
export { loadConfig, importConfig, checkConfig, findConfigFile, CONFIG_FILE } from "./load.ts";
export { resolveConfig, DEFAULTS, type ResolvedConfig } from "./resolve.ts";
