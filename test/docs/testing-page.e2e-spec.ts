import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNamedBlocks } from './markdown-blocks.js';

/**
 * The tests docs/testing.md shows, run as written: its named blocks (the
 * setup file, the signed Stripe test of the README's app, the Discord and the
 * Zoom tests) and the README's app module are written to .docs-e2e/ and
 * imported here, so their `describe` blocks run as part of this suite.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = join(ROOT, '.docs-e2e', 'testing');

rmSync(DIR, { recursive: true, force: true });
const files = writeNamedBlocks([join(ROOT, 'README.md'), join(ROOT, 'docs/testing.md')], DIR);
const expected = ['src/app.module.ts', 'test/setup-env.ts', 'test/webhooks.e2e-spec.ts', 'test/discord.e2e-spec.ts', 'test/zoom.e2e-spec.ts'];
const missing = expected.filter((name) => !files.has(name));
if (missing.length > 0) throw new Error(`docs blocks not found: ${missing.join(', ')}`);

// In the order Jest would: the setup file first, then each test file.
await import(files.get('test/setup-env.ts')!);
await import(files.get('test/webhooks.e2e-spec.ts')!);
await import(files.get('test/discord.e2e-spec.ts')!);
await import(files.get('test/zoom.e2e-spec.ts')!);
