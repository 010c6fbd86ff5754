// ESLint with typescript-eslint's type-aware rules, run by `npm run lint` on src/, test/ and bench/.
// typescript-eslint reads types with the project's own TypeScript (6.0), the compiler `tsc` uses.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Test and bench files, where the rules below that guard library code only get in the way. */
const TESTS = ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.redis-spec.ts', '**/*.load-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'];

/** `it.only`, `describe.skip` and their kin: a test that does not run cannot fail. */
const FOCUSED_OR_SKIPPED = ['describe', 'it', 'test'].flatMap((object) =>
  ['only', 'skip', 'todo'].map((property) => ({ object, property, message: 'Every test runs: remove it, or make it pass.' })),
);

export default defineConfig(
  { ignores: ['dist/', 'dist-*/', 'coverage/', 'reports/', '.stryker-tmp/', 'test/compat/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `tsc` already reports these (noUnusedLocals, noUnusedParameters) and, unlike this rule, knows the `_` prefix
      // convention and counts a type imported only for a JSDoc {@link}.
      '@typescript-eslint/no-unused-vars': 'off',
      // An async method without `await` is how a fake or a fixed-secret resolver implements a Promise-returning interface.
      '@typescript-eslint/require-await': 'off',
      // Passing a rejection on as it came (a store's error, a caught `unknown`) is not throwing a literal.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // A `return promise` inside try/catch skips the catch and the finally when it rejects.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'no-restricted-properties': ['error', ...FOCUSED_OR_SKIPPED],
      'no-restricted-globals': ['error', ...['fit', 'fdescribe', 'xit', 'xdescribe'].map((name) => ({ name, message: 'Every test runs.' }))],
      // no-unnecessary-condition stays off: most of what it reports in src/ is the validation of options that arrive
      // from plain JavaScript, JSON or the environment, where the types promise more than the input does.
    },
  },
  {
    files: TESTS,
    rules: {
      // Tests read JSON bodies, supertest responses and SDK fixtures typed `any`; a wrong guess fails the test anyway.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests pass handler methods as Nest metadata targets (`Controller.prototype.handle`) and never call them unbound.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
