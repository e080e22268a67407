// ESLint for the TypeScript of gengov: typescript-eslint's recommended rules everywhere, the React
// hooks rules in the participant web app (app/), and in oracle/ the rule that contract results and
// event arguments keep the types the protocol layer (oracle/protocol/) infers from the ABIs.
// `npm run lint` runs it.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** Functions whose results carry the ABI's types: a cast on them hides a wrong assumption. */
const TYPED_READS = "/^(read|readContract|simulate|simulateContract|getContractEvents)$/";

/** `no-restricted-syntax` entries: casts that throw away what viem infers from the ABIs. */
const CASTS = [
  {
    selector: "TSAsExpression > TSNeverKeyword.typeAnnotation",
    message: "No `as never`: type the value instead.",
  },
  {
    selector: "TSAsExpression > TSAnyKeyword.typeAnnotation",
    message: "No `as any`: type the value instead.",
  },
  ...[
    `TSAsExpression > AwaitExpression.expression > CallExpression.argument[callee.property.name=${TYPED_READS}]`,
    `TSAsExpression > AwaitExpression.expression > CallExpression.argument[callee.name=${TYPED_READS}]`,
    `TSAsExpression > CallExpression.expression[callee.property.name=${TYPED_READS}]`,
    `TSAsExpression > CallExpression.expression[callee.name=${TYPED_READS}]`,
  ].map((selector) => ({
    selector,
    message: "No cast on a contract read: its type comes from the ABI (oracle/protocol/contracts.ts).",
  })),
  ...[
    "TSAsExpression > MemberExpression.expression[property.name='args']",
    "TSAsExpression > MemberExpression.expression > MemberExpression.object[property.name='args']",
    "TSAsExpression > ChainExpression.expression > MemberExpression[property.name='args']",
    "TSAsExpression > ChainExpression.expression > MemberExpression > MemberExpression.object[property.name='args']",
  ].map((selector) => ({
    selector,
    message: "No cast on event arguments: their types come from the ABI (oracle/protocol/events.ts).",
  })),
];

export default defineConfig(
  { ignores: ["app/dist/**", "artifacts/**", "cache/**", "coverage/**", "types/**", "node_modules/**"] },
  {
    files: ["app/**/*.{ts,tsx}"],
    extends: [js.configs.recommended, tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { window: "readonly", document: "readonly", console: "readonly" },
    },
  },
  {
    files: ["oracle/**/*.ts", "scripts/**/*.ts", "test/**/*.ts"],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    rules: {
      // The prompt sanitizer and its tests match control and combining code points on purpose.
      "no-control-regex": "off",
      "no-misleading-character-class": "off",
      // `_`-prefixed names are deliberately unused (placeholders, rest siblings that drop a field).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ["oracle/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "no-restricted-syntax": ["error", ...CASTS],
    },
  },
);
