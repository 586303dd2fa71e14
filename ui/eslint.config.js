import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'src/lib/bindings.ts'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig },
    },
  },
  {
    rules: {
      // Member-typed text is never HTML.
      'svelte/no-at-html-tags': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Only ipc.ts talks to the backend.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/bindings', '@tauri-apps/api/core'],
              message: 'Call the backend through src/lib/ipc.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/lib/ipc.ts', 'src/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
