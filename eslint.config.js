// ESLint for the participant web app (app/): typescript-eslint's recommended rules and the React
// hooks rules. `npm run lint` runs it.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["app/dist/**"] },
  {
    files: ["app/**/*.{ts,tsx}"],
    extends: [js.configs.recommended, tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { window: "readonly", document: "readonly", console: "readonly" },
    },
  },
);
