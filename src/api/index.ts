export { createApp, type AppOptions } from "./app.ts";
export { serveApp, type ServedApp } from "./serve.ts";
export type { ApiDeps, PipelineStatus, SubmitRunInput, DaemonStats } from "./deps.ts";
export { isLoopback } from "./auth.ts";
export { runDocument, runDocumentOf, runSummaryDocument, runSummaryDocumentOf } from "./run-document.ts";
export { openApiDocument, API_COMPONENTS } from "./openapi.ts";
export { ServeError, InvalidRequestError, InvalidBodyError, InvalidJsonError, UnauthorizedError } from "./errors.ts";
