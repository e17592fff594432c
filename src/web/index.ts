/** @module floe's web dashboard: server-rendered pages over the API's deps, mounted beside the API at `/`. */
export { createDashboard, mountDashboard } from "./dashboard.ts";
export { CLIENT_SCRIPT } from "./client-script.ts";
export { PAGE_CSP } from "./layout.ts";
