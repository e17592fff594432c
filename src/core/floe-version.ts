/** @module floe's own version (package.json): shown by `floe --version` and `/api/health`, registered by each node. */
import { readFileSync } from "node:fs";

export const FLOE_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
