// ESLint (flat config) with typescript-eslint: the checks a reviewer should not have to make by eye.
// Type-aware so that a promise nobody awaits or handles is an error (no-floating-promises).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.playground/**', 'test/e2e/artifacts/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The tab is browser code with its own tsconfig (DOM, JSX): the same rules, typed by that project.
    files: ['tab/**/*.ts', 'tab/**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: false, project: './tab/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // A request's versions move only through the domain's revise() (domain/soa-request.ts).
    files: ['src/**/*.ts'],
    ignores: ['src/domain/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Property[key.name=/^(version|cardVersion)$/] > BinaryExpression[operator='+']",
          message: "A request's version and cardVersion are moved only by revise() in src/domain/soa-request.ts.",
        },
      ],
    },
  },
);
