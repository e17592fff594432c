/**
 * The public surface is a contract: adding or removing an export of any subpath in package.json's `exports`
 * is a visible change to these lists. Values are read from the loaded module; type names from the entry file.
 * `floe/data` is pinned beside its code, in test/data/exports.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import ts from "typescript";

interface Pin {
  readonly values: readonly string[];
  readonly types: readonly string[];
}

const PINS: Readonly<Record<string, Pin | "pinned in test/data/exports.test.ts">> = {
  floe: {
    values: ["ChildRunError", "NonRetriableError", "RetryAfterError", "defineConfig", "pipeline", "z"],
    types: [
      "ChildRunResult", "ChildRunStarted", "CommitTriggerDetail", "Duration", "Hook", "HookContext", "Hooks", "MapOptions", "MapTaskInput", "ParamsInputOf", "ParamsOf", "Pipeline",
      "PipelineOptions", "ResultsOf", "RunEndTriggerDetail", "RunState", "RunPipelineOptions", "RunTriggerInfo", "TaskContext", "TaskInput",
      "TaskLogger", "TaskOptions", "TaskState",
    ],
  },
  "floe/arraylake": {
    values: [
      "ArraylakeRepo", "ChunkReadError", "Client", "CommitConflictError", "DeferredCommitError", "IcechunkError",
      "InvalidRepoNameError", "InvalidTokenError", "LineageObserverError", "NotARepositoryError", "ObjectStorageError",
      "OrgNotFoundError", "RefNotFoundError", "RepoExistsError", "RepoNotFoundError", "RepoSession", "ServiceError",
      "ServiceUnreachableError", "StorageWriteError", "TokenRejectedError", "UnsupportedPlatformError",
      "UnsupportedRepositoryError", "isArraylakeError",
    ],
    types: [
      "ArraylakeClient", "ArraylakeError", "ClientOptions", "CommitEvent", "CommitOptions", "LineageObserver",
      "ReadEvent", "RefKind", "RefSpec", "RemoteSettings", "RepoListing", "ResolvedRef", "SessionStore", "SnapshotInfo",
    ],
  },
  "floe/data": "pinned in test/data/exports.test.ts",
  "floe/testing": {
    values: ["createManualClock", "createTestEnvironment", "planForTest", "runPipeline"],
    types: ["Clock", "ManualClock", "RunDocument", "TestEnvironment", "TestRun", "TestRunOptions"],
  },
  "floe/config": { values: ["defineConfig"], types: ["FloeConfig"] },
};

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { name: string; exports: Record<string, string> };
const entries = Object.entries(pkg.exports)
  .filter(([key]) => key !== "./package.json")
  .map(([key, file]) => ({ name: key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`, file }));

/** Names an entry file exports as types only (`export type {...}`, `type X` specifiers, interfaces, aliases). */
function typeExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  const names: string[] = [];
  for (const node of source.statements) {
    if (ts.isExportDeclaration(node)) {
      assert.ok(node.exportClause && ts.isNamedExports(node.exportClause), `${file}: \`export *\` hides the surface; name each export`);
      for (const e of node.exportClause.elements) if (node.isTypeOnly || e.isTypeOnly) names.push(e.name.text);
    } else if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      names.push(node.name.text);
    }
  }
  return names.sort();
}

test("every subpath in package.json's exports has a pin", () => {
  assert.deepEqual(entries.map((e) => e.name).sort(), Object.keys(PINS).sort());
});

for (const { name, file } of entries) {
  const pin = PINS[name];
  if (typeof pin !== "object") continue;
  test(`${name} exports exactly its pinned values and types`, async () => {
    const mod = (await import(name)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(mod).sort(), [...pin.values].sort(), `${name}: runtime exports`);
    assert.deepEqual(typeExports(file), [...pin.types].sort(), `${name}: type exports of ${file}`);
  });
}
