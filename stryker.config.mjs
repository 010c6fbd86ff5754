/**
 * The test files named with `--testFiles a.spec.ts,dir/*.spec.ts`, as Jest test regexes. Stryker uses
 * `--testFiles` only for its first run; Jest gets them too, so that each mutant's run finds its related
 * tests among those files alone rather than loading every suite that imports the mutated file.
 */
function testFilesRegexes() {
  const at = process.argv.findIndex((arg) => arg === '--testFiles' || arg === '-t' || arg.startsWith('--testFiles='));
  const value = at === -1 ? undefined : process.argv[at].startsWith('--testFiles=') ? process.argv[at].slice(12) : process.argv[at + 1];
  if (!value) return undefined;
  const toRegex = (glob) =>
    glob
      .split('**/')
      .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*'))
      .join('(?:.*/)?');
  return value.split(',').map((glob) => `/${toRegex(glob)}$`);
}

const testRegex = testFilesRegexes();

/**
 * Mutation testing of the security-critical code: `npm run test:mutation`.
 * Not part of CI; see the README's development section.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'jest',
  // The test suite runs as ESM under ts-jest, as `npm test` does.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    enableFindRelatedTests: true,
    config: {
      // Builds and packs the library: slow, and says nothing about a mutant.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/compat/', '<rootDir>/test/package-contents.spec.ts'],
      ...(testRegex && { testRegex }),
    },
  },
  coverageAnalysis: 'perTest',
  // Mutants of code that runs as a module loads (constants, verifiers built in a describe) are not
  // switched on under Jest's ESM mode: they report "survived" even when their tests fail by hand.
  ignoreStatic: true,
  mutate: [
    'src/utils/**/*.ts',
    'src/verifiers/**/*.ts',
    'src/webhook-signature.guard.ts',
    'src/raw-body.reader.ts',
    'src/replay/**/*.ts',
    '!src/**/*.spec.ts',
    '!src/**/*.interface.ts',
    // Its tests need a redis-server and a cluster, which `npm test` does not start: `npm run test:mutation:redis`
    // starts them as `npm run test:redis` does and runs Stryker on this file alone.
    '!src/replay/redis-replay.store.ts',
  ],
  // The machine it runs on is usually shared; raise it with --concurrency on a free one.
  concurrency: 1,
  // A mutant's time limit is 1.5 x its tests' net time in the first run + the first run's overhead
  // (a cold Jest start, 6 to 8 s here) + timeoutMS. A mutant run in a started worker takes 1 to 2 s,
  // so 15 s is ample; a mutant that loops forever (a property test shrinking past Stryker's hit limit)
  // costs this limit and a worker restart, and with 60 s those dominated the run.
  timeoutMS: 15_000,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  ignorePatterns: ['dist', 'dist-*', 'reports', 'coverage', 'bench/results', 'test/compat'],
  cleanTempDir: true,
};
