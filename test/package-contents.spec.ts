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

describe('the published package', () => {
  let files: string[];
  beforeAll(() => {
    files = packedFiles();
  }, 120_000);

  it('holds the ESM and the CommonJS build of every module, and nothing else', () => {
    const builds = sourceModules().flatMap((module) =>
      ['esm', 'cjs'].flatMap((build) => [`dist/${build}/${module}.js`, `dist/${build}/${module}.d.ts`]),
    );
    expect(files).toEqual(['LICENSE', 'README.md', 'dist/cjs/package.json', 'package.json', ...builds].sort());
  });

  it('marks the CommonJS build as such', () => {
    expect(JSON.parse(readFileSync('dist/cjs/package.json', 'utf8'))).toEqual({ type: 'commonjs' });
  });

  it('maps import and require of each entry point to files in the tarball, types first', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
    for (const entry of ['.', './testing']) {
      const conditions = manifest.exports[entry];
      expect(Object.keys(conditions)).toEqual(['import', 'require']);
      for (const build of ['import', 'require']) {
        expect(Object.keys(conditions[build])).toEqual(['types', 'default']);
        for (const target of Object.values<string>(conditions[build])) expect(files).toContain(target.replace(/^\.\//, ''));
      }
    }
    for (const target of [manifest.main, manifest.types, ...manifest.typesVersions['*'].testing]) {
      expect(files).toContain(target.replace(/^\.\//, ''));
    }
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
