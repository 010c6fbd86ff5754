import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { createWebhookTestApp, lastWebhookRejection, signWebhook } from '../../src/testing/index.js';
import { markdownBlocks, writeNamedBlocks } from './markdown-blocks.js';

/**
 * The tests docs/testing.md shows, run as written: its named blocks (the
 * signed Stripe test of the README's app, the Discord and the Zoom tests)
 * and the README's app module are written to .docs-e2e/ and imported here,
 * so their `describe` blocks run as part of this suite. The page's other
 * examples, which each create an app, are written beside them with a line
 * that exports the app, tried, and closed; and what the page says a newcomer
 * will see is checked against what the library does.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = join(ROOT, '.docs-e2e', 'testing');
const PAGE = join(ROOT, 'docs/testing.md');
const SECRETS = { stripe: 'whsec_test_secret', github: 'github-test-secret', trophy: 'trophy-test-secret' };

rmSync(DIR, { recursive: true, force: true });
const files = writeNamedBlocks([join(ROOT, 'README.md'), PAGE], DIR);
const expected = ['src/app.module.ts', 'test/webhooks.e2e-spec.ts', 'test/discord.e2e-spec.ts', 'test/zoom.e2e-spec.ts'];
const missing = expected.filter((name) => !files.has(name));
if (missing.length > 0) throw new Error(`docs blocks not found: ${missing.join(', ')}`);

// The app reads its secrets from the environment; none is set, so the tests pass on their test secrets alone.
for (const name of ['STRIPE_WEBHOOK_SECRET', 'GITHUB_WEBHOOK_SECRET', 'TROPHY_WEBHOOK_SECRET']) delete process.env[name];

await import(files.get('test/webhooks.e2e-spec.ts')!);
await import(files.get('test/discord.e2e-spec.ts')!);
await import(files.get('test/zoom.e2e-spec.ts')!);

const { AppModule } = (await import(files.get('src/app.module.ts')!)) as { AppModule: Type };
const pageText = readFileSync(PAGE, 'utf8');

/** Writes the page's unnamed example that contains `marker` to test/, with `export { app }` added, and imports it. */
async function example(name: string, marker: string): Promise<INestApplication> {
  const blocks = markdownBlocks(PAGE).filter((block) => block.lang === 'ts' && !block.file && block.code.includes(marker));
  if (blocks.length !== 1) throw new Error(`docs/testing.md: ${blocks.length} examples contain ${marker}`);
  const path = join(DIR, 'test', `${name}.ts`);
  mkdirSync(join(DIR, 'test'), { recursive: true });
  writeFileSync(path, `${blocks[0]!.code}export { app };\n`);
  return ((await import(path)) as { app: INestApplication }).app;
}

describe('docs/testing.md examples', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('gives test secrets through overrideProvider(WEBHOOK_TEST_SECRETS)', async () => {
    app = await example('override-secrets', '.overrideProvider(WEBHOOK_TEST_SECRETS)');
    const body = JSON.stringify({ id: 'evt_override', type: 'invoice.paid' });
    await request(app.getHttpServer())
      .post('/webhooks/stripe')
      .set('content-type', 'application/json')
      .set(signWebhook('stripe', { secret: SECRETS.stripe, body }))
      .send(body)
      .expect(200, { received: 'invoice.paid' });
  });

  it('creates a Fastify app that keeps the bytes of a text/plain body', async () => {
    app = await example('fastify', 'new FastifyAdapter()');
    expect(app.getHttpAdapter().getType()).toBe('fastify');
    const body = 'plain text, signed';
    await request(app.getHttpServer())
      .post('/webhooks/trophy')
      .set('content-type', 'text/plain')
      .set(signWebhook('trophy', { secret: SECRETS.trophy, body }))
      .send(body)
      .expect(200);
    expect(lastWebhookRejection(app)).toBeUndefined();
  });
});

describe('what docs/testing.md says a newcomer sees', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('an app created without test secrets, the environment unset, stops at startup', async () => {
    await expect(createWebhookTestApp(Test.createTestingModule({ imports: [AppModule] }))).rejects.toThrow("Webhook provider 'stripe' has no secret");
  });

  it('a string sent without a content type reaches the handler as a form, not as the event', async () => {
    app = await createWebhookTestApp(Test.createTestingModule({ imports: [AppModule] }), { secrets: SECRETS });
    const body = JSON.stringify({ id: 'evt_form', type: 'invoice.paid' });
    await request(app.getHttpServer())
      .post('/webhooks/stripe')
      .set(signWebhook('stripe', { secret: SECRETS.stripe, body }))
      .send(body)
      .expect(200, {});
    expect(lastWebhookRejection(app)).toBeUndefined();
  });

  it('a timestamp in milliseconds throws the TypeError the page quotes', () => {
    const [, message, timestamp] = /`(timestamp (\d+) is in milliseconds: [^`]*)`/.exec(pageText)!;
    expect(() => signWebhook('stripe', { secret: SECRETS.stripe, body: '{}', timestamp: Number(timestamp) })).toThrow(message);
  });

  it('a rejection is logged in the words the page quotes', async () => {
    const [, logged] = /`(Rejected webhook from [^`]*)`/.exec(pageText)!;
    const lines: string[] = [];
    const capture = (chunk: unknown): boolean => (lines.push(String(chunk)), true);
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      app = await createWebhookTestApp(Test.createTestingModule({ imports: [AppModule] }), { secrets: SECRETS });
      const body = '{"id":"evt_forged"}';
      await request(app.getHttpServer())
        .post('/webhooks/stripe')
        .set('content-type', 'application/json')
        .set(signWebhook('stripe', { secret: 'whsec_someone_else', body }))
        .send(body)
        .expect(401);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(lines.join('')).toContain(logged);
  });
});
