// @ts-check
import js from '@eslint/js';
import i18next from 'eslint-plugin-i18next';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** JSX attributes whose values people read or hear: their literal values must be translations. */
const TEXT_ATTRIBUTES = [
  'title',
  'subTitle',
  'placeholder',
  'label',
  'aria-label',
  'alt',
  'message',
  'description',
  'extra',
  'okText',
  'cancelText',
  'tip',
  'tooltip',
  'question',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'coverage/**',
      'test-output/**',
      '.bench/**',
      'packages/portal/src/api/schema.d.ts',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            '*.cjs',
            'vitest.config.ts',
            'vitest.harbor.config.ts',
            'scripts/*.mjs',
            'packages/portal/scripts/*.mjs',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-process-env': 'error',
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['packages/portal/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  { files: ['packages/portal/src/**/*.tsx'], ...jsxA11y.flatConfigs.recommended },
  {
    // Moving the focus into a dialog's first field is what a keyboard user needs; only DOM elements are checked.
    files: ['packages/portal/src/**/*.tsx'],
    rules: { 'jsx-a11y/no-autofocus': ['error', { ignoreNonDOM: true }] },
  },
  {
    // Every text the portal shows goes through t(): both languages must be complete.
    files: ['packages/portal/src/**/*.tsx'],
    ignores: ['**/*.test.tsx'],
    plugins: { i18next },
    rules: {
      'i18next/no-literal-string': ['error', { mode: 'jsx-only', 'jsx-attributes': { include: TEXT_ATTRIBUTES } }],
    },
  },
  {
    files: [
      'packages/server/src/config/**',
      'packages/server/test/**',
      'packages/portal/e2e/**',
      'packages/portal/scripts/**',
      '**/*.test.ts',
      '**/*.test.tsx',
      'scripts/**',
      '*.js',
      '*.cjs',
    ],
    rules: { 'no-process-env': 'off', 'max-lines': ['error', { max: 800 }] },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
