// @ts-check
/**
 * @module eslint.config
 * One typed rule: a promise is awaited, returned, handled with `.catch`/`.then(_, onRejected)`, or
 * discarded on purpose with `void`. An unhandled rejection would otherwise crash the process that made it.
 */
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "state/**", ".tmp/**", "test/fixtures/**/bad/**", "test/fixtures/**/broken/**", "**/*.mjs", "**/*.js"] },
  {
    files: ["**/*.ts", "**/*.mts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          ignoreVoid: true,
          // node:test collects these itself; awaiting them would serialize the suite.
          allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "it", "describe", "suite"] }],
        },
      ],
    },
  },
);
