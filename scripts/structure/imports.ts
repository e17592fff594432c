/**
 * @module scripts/structure/imports: every import of a source file, with its line and kind, resolved to a
 * repository-relative file when it points into the repository (relative paths and the package's own name).
 */
import ts from "typescript";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";

export interface Import {
  /** Repository-relative importing file. */
  readonly from: string;
  readonly line: number;
  readonly specifier: string;
  /** Repository-relative target file, when the import points into the repository. */
  readonly to: string | undefined;
  /** `import type` / `export type`: erased at run time, still a dependency of the design. */
  readonly typeOnly: boolean;
  /** `await import("...")`: loaded lazily, so it cannot close a circle at load time. */
  readonly dynamic: boolean;
}

const SOURCE = /\.(ts|mts|mjs|js)$/;

/** Source files under `dirs` (repository-relative, `/`-separated), declaration files excluded. */
export function listSources(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (SOURCE.test(entry.name) && !/\.d\.m?ts$/.test(entry.name)) out.push(rel);
    }
  };
  for (const dir of dirs) if (existsSync(join(root, dir))) walk(dir);
  return out.sort();
}

/** `floe`, `floe/data`... → the file the package's `exports` map names. */
export function selfExports(root: string): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; exports?: Record<string, string> };
  const map = new Map<string, string>();
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    map.set(key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`, posix.normalize(target));
  }
  return map;
}

/** The imports of one file, in source order. */
export function importsOf(root: string, file: string, self: ReadonlyMap<string, string>): Import[] {
  const text = readFileSync(join(root, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const out: Import[] = [];
  const add = (node: ts.Node, literal: ts.Expression, typeOnly: boolean, dynamic: boolean): void => {
    if (!ts.isStringLiteralLike(literal)) return; // `import(variable)`: a pipeline module, not a dependency
    const specifier = literal.text;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    out.push({ from: file, line, specifier, to: resolveTarget(file, specifier, self), typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && namedAllTypes(clause.namedBindings)));
      add(node, node.moduleSpecifier, typeOnly, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, node.moduleSpecifier, node.isTypeOnly, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      add(node, node.arguments[0], false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function namedAllTypes(bindings: ts.NamedImportBindings | undefined): boolean {
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function resolveTarget(from: string, specifier: string, self: ReadonlyMap<string, string>): string | undefined {
  if (specifier.startsWith(".")) return posix.normalize(posix.join(posix.dirname(from), specifier));
  return self.get(specifier);
}
