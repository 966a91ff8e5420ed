// Lint: type-aware typescript-eslint, plus the architecture's import boundaries
// (DESIGN.md): connectors import only core/ and schemas/; only the connector registry and
// the process entry points import connectors; the gateway never imports a connector.
import tseslint from 'typescript-eslint';

const connectorImport = { group: ['**/connectors/*', '**/connectors/**'], message: 'Only connectors/registry.ts may import a connector.' };

export default tseslint.config(
  { ignores: ['node_modules/**', '.relais/**', 'infra/kafka/lib/**', '**/generated/**', '**/*.d.ts'] },
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
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ['core/**/*.ts', 'gateway/**/*.ts', 'schemas/**/*.ts', 'silos/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [connectorImport, { group: ['**/gateway/*'], message: 'Only process entry points compose the gateway.' }] }] },
  },
  {
    files: ['gateway/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [connectorImport] }] },
  },
  {
    files: ['connectors/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/gateway/*', '**/gateway/**'], message: 'Connectors import only core/ and schemas/.' },
            { group: ['**/silos/*', '**/silos/**'], message: 'Connectors speak to silos over their protocol, never by import (tests excepted).' },
            { regex: '^\\.\\./[^./]', message: 'A connector imports neither another connector nor the registry.' },
            { regex: '^\\.\\./\\.\\./(?!core/|schemas/)', message: 'Connectors import only core/ and schemas/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
