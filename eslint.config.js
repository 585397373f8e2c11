// Lint: typescript-eslint's recommended rules, Lit's and web components' best practice.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.snippets/',
      '.frameworks-tmp/',
      'coverage/',
      'custom-elements.json',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    ...wc.configs['flat/best-practice'],
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Chai's property assertions (`.to.be.true`, `.to.exist`) are expressions by design.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    // The layers (docs/architecture.md): src/server is Node-side only, so nothing else in src
    // (all of which may end up in a browser bundle) imports from it. What both sides share
    // lives below both, in src/core or src/protocol.
    files: ['src/**/*.ts'],
    ignores: ['src/server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server', '**/server/**'],
              message: 'src/server is Node-only: move what you need to src/core or src/protocol.',
            },
          ],
        },
      ],
    },
  },
  {
    // Browser globals vary by file; TypeScript already checks undefined names in .ts files.
    files: ['**/*.ts'],
    rules: { 'no-undef': 'off' },
  },
);
