import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports that must never reach the pure `shared/` code or the renderer. */
const platformImports = {
  patterns: [
    { group: ['node:*'], message: 'shared/ and renderer/ are pure TypeScript: no Node modules.' },
    { group: ['electron', 'electron/*'], message: 'shared/ and renderer/ must not import Electron.' },
    { group: ['**/electron/**', '../electron', '../../electron'], message: 'Talk to the core through the contract, not electron/.' },
  ],
  paths: ['fs', 'path', 'child_process', 'os', 'crypto', 'http', 'net', 'execa', 'ws'].map((name) => ({
    name,
    message: 'shared/ and renderer/ are pure TypeScript: no Node modules.',
  })),
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', platformImports] },
  },
  {
    // Code passed to page.evaluate runs in the browser.
    files: ['bench/**/*.mjs', 'e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);
