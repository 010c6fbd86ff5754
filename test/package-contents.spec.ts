import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

interface PackedFile {
  readonly path: string;
}

/** What `npm pack` puts in the tarball, from a fresh build. */
function packedFiles(): string[] {
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' })) as {
    files: PackedFile[];
  }[];
  return pack!.files.map((file) => file.path).sort();
}

/** Every module of the library, from src/, without its extension: `index`, `testing/index`, ... */
function sourceModules(): string[] {
  return readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => file.replace(/\.ts$/, ''));
}

// `npm run lint:package` checks the rest on the tarball: publint, that every target of `exports`, `main` and `bin` is in it,
// types first, and each file in the module format its path says; attw, that the types resolve for `import` and
// `require` under node10 (through typesVersions), node16 and bundler resolution.
describe('the published package', () => {
  let files: string[];
  beforeAll(() => {
    files = packedFiles();
  }, 120_000);

  it('holds the ESM and the CommonJS build of every module, and nothing else', () => {
    const builds = sourceModules().flatMap((module) => ['esm', 'cjs'].flatMap((build) => [`dist/${build}/${module}.js`, `dist/${build}/${module}.d.ts`]));
    expect(files).toEqual(['LICENSE', 'README.md', 'dist/cjs/package.json', 'package.json', ...builds].sort());
  });

  it('accepts both Nest majors as peers, OpenTelemetry as an optional one, and has no runtime dependencies', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(manifest.peerDependencies).toEqual({
      '@nestjs/common': '^11.0.0 || ^12.0.0',
      '@nestjs/core': '^11.0.0 || ^12.0.0',
      '@opentelemetry/api': '^1.3.0',
    });
    expect(manifest.peerDependenciesMeta).toEqual({ '@opentelemetry/api': { optional: true } });
    expect(manifest.dependencies).toBeUndefined();
  });
});
