import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "test-results", "playwright-report", "src/api/schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  // With noUncheckedIndexedAccess, `xs[i]!` after a bounds check is the honest way to say "present".
  { rules: { "@typescript-eslint/no-non-null-assertion": "off" } },
  { files: ["src/**/*.{ts,tsx}"], languageOptions: { globals: globals.browser } },
  // React's rules where React lives (the annotation core and the API layer have none).
  {
    files: ["src/**/*.tsx", "src/features/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
    },
  },
  // The annotation core must stay framework-free: no React, no DOM frameworks.
  {
    files: ["src/annotate/core/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["react", "react-*", "@tanstack/*", "**/features/**"] }],
    },
  },
  {
    files: ["e2e/**/*.ts", "scripts/**/*.mjs", "*.config.{ts,js}"],
    languageOptions: { globals: globals.node },
  },
);
