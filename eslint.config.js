// Overleg's linter: ESLint's recommended rules, typescript-eslint's recommended rules (without type
// information, so `npm run lint` stays fast), and the rules of hooks for the React code.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// Who may import whom (ADR 015). `app/shared/` holds the contracts both sides use; `server/` takes
// nothing else from `app/`; browser code takes only types from `server/` and `db/`; code that runs on
// the server only — `*.server.ts(x)`, route modules (Remix strips their loaders and actions from the
// browser bundle), `root.tsx` and `entry.server.tsx` — may import server modules; `db/` imports nothing
// from `server/`. Regular expressions on the import specifier as written (relative, or `~/` for app/).
const SERVER_OR_DB = "^(\\.\\./)+(server|db)(/|$)";
const APP_OUTSIDE_SHARED = ["^(\\.\\./)+app/(?!shared/)", "^~/(?!shared/)"];
const VOCABULARY = {
  regex: "(^|/)server/policy$",
  importNames: ["Role", "OrganisationKind", "SectionStatus", "Visibility", "ROLES", "SECTION_STATUSES"],
  message: "The domain vocabulary lives in app/shared/domain.ts; import it from there.",
};
const restrictImports = (...patterns) => ({ "@typescript-eslint/no-restricted-imports": ["error", { patterns }] });
const serverOnlyInApp = ["app/routes/**", "app/root.tsx", "app/entry.server.tsx", "app/**/*.server.ts", "app/**/*.server.tsx"];

export default tseslint.config(
  {
    ignores: ["build/", "node_modules/", "db/migrations/", ".scratch/", "bench/out/", "public/build/", "coverage/", "test-results/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Unused names are mistakes, except deliberately ignored ones (`_name`) and rest siblings.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Type-only imports keep server modules out of the browser bundle.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "off",
      "prefer-const": "error",
      "no-var": "error",
    },
  },
  {
    // The web app runs in the browser too.
    files: ["app/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
  {
    files: ["server/**/*.ts"],
    rules: restrictImports(
      ...APP_OUTSIDE_SHARED.map((regex) => ({ regex, message: "server/ imports from app/ only what is in app/shared/." })),
    ),
  },
  {
    files: ["db/**/*.ts"],
    rules: restrictImports(
      { regex: "^(\\.\\./)+server(/|$)", message: "db/ imports nothing from server/ (the seed lives in server/seed/)." },
      ...APP_OUTSIDE_SHARED.map((regex) => ({ regex, message: "db/ imports from app/ only what is in app/shared/." })),
    ),
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/shared/**", ...serverOnlyInApp],
    rules: restrictImports(
      {
        regex: SERVER_OR_DB,
        allowTypeImports: true,
        message:
          "Browser code imports only types from server/ and db/ (import type). Server helpers go in a *.server.ts file; shared contracts in app/shared/.",
      },
      VOCABULARY,
    ),
  },
  {
    files: serverOnlyInApp,
    rules: restrictImports(VOCABULARY),
  },
  {
    // Contracts both sides use: nothing from server/, db/ or the rest of the web app.
    files: ["app/shared/**/*.ts"],
    rules: restrictImports({
      regex: "^(\\.\\./|~/)",
      message: "app/shared/ is imported by the server and the browser alike: it imports only packages and app/shared/ itself.",
    }),
  },
  {
    // Browser tests hand functions to the page (page.evaluate), where the DOM globals exist.
    files: ["test/browser/**/*.ts"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ["**/*.{js,mjs,cjs}"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
