// Lint rules: the TypeScript sources are checked with their types (through tsconfig.json), the Node scripts
// (.mjs) without. Formatting is prettier's job (`npm run format`), so no stylistic rules here.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const NODE_GLOBALS = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  TextEncoder: 'readonly',
  TextDecoder: 'readonly',
};

export default defineConfig(
  { ignores: ['dist/', 'build/', '.deps/', 'node_modules/', 'native/build/', 'bench/raw/build/', 'firmware/build/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      // A leading underscore marks a parameter an override or a callback signature needs but does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Input checks match control characters on purpose, to refuse or escape them.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests, benchmarks, stress runs and scripts may assert what they have just set up.
    files: ['test/**', 'bench/**', 'stress/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // The setup scripts and this file are plain Node ESM outside the TypeScript project.
    files: ['**/*.mjs', 'eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: NODE_GLOBALS },
  },
);
