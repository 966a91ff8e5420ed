// Lint: type-aware typescript-eslint, plus the architecture's import boundaries (DESIGN.md,
// "Layout"), checked by scripts/lint/boundaries.js: core/ is the kernel; connectors import only
// the kit by its name, their own folder and their protocol; only the registry imports a
// connector; the gateway and the router never import a connector or a simulator; infra/ never
// imports bin/ or silos/. And connectors, the gateway and the router name event types by their
// generated constants (scripts/lint/event-type-literals.js).
import tseslint from 'typescript-eslint';
import boundaries from './scripts/lint/boundaries.js';
import eventTypeLiterals from './scripts/lint/event-type-literals.js';

export default tseslint.config(
  { ignores: ['node_modules/**', '.relais/**', 'packages/*/dist/**', 'infra/kafka/lib/**', '**/generated/**', '**/*.d.ts'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // Handlers implement async interfaces; an async function without await is not a bug here.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { relais: { rules: { boundaries, 'event-type-literals': eventTypeLiterals } } },
    rules: { 'relais/boundaries': 'error' },
  },
  {
    files: ['connectors/**/*.ts', 'gateway/**/*.ts', 'router/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'relais/event-type-literals': 'error' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'faults/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
