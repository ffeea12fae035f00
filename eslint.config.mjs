import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'out/**',
      'test/fixtures/**',
      'examples/**',
      '.e2e/**',
      'bench/corpus/**',
      'dist-vsix/**',
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: [
          './shared/tsconfig.json',
          './server/tsconfig.json',
          './client/tsconfig.json',
          './client/webview/tsconfig.json',
          './test/tsconfig.json',
        ],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Custom LSP messages are declared as namespaces ({ method, Params }), as LSP libraries do.
    files: ['shared/src/protocol.ts'],
    rules: { '@typescript-eslint/no-namespace': 'off' },
  },
);
