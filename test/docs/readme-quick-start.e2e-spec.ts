import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { signWebhook } from '../../src/testing/index.js';
import { CapturingLogger } from '../app/create-app.js';
import { writeNamedBlocks } from './markdown-blocks.js';

/**
 * The README's Quick start, run as written: its `src/app.module.ts` block is
 * extracted from README.md when the suite starts, written to .docs-e2e/, and
 * imported with the secrets it reads set first. Editing the block in the
 * README changes what this suite runs.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = join(ROOT, '.docs-e2e', 'quick-start');
const SECRETS = { stripe: 'whsec_quick_start_test', github: 'github-quick-start-test', trophy: 'trophy-quick-start-test' };

describe('README Quick start', () => {
  let app: INestApplication;
  let logger: CapturingLogger;

  beforeAll(async () => {
    rmSync(DIR, { recursive: true, force: true });
    const module = writeNamedBlocks([join(ROOT, 'README.md')], DIR).get('src/app.module.ts');
    if (!module) throw new Error('README.md has no ```ts file=src/app.module.ts block');
    process.env.STRIPE_WEBHOOK_SECRET = SECRETS.stripe;
    process.env.GITHUB_WEBHOOK_SECRET = SECRETS.github;
    process.env.TROPHY_WEBHOOK_SECRET = SECRETS.trophy;
    const { AppModule } = (await import(module)) as { AppModule: Type };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    logger = new CapturingLogger();
    app = moduleRef.createNestApplication({ rawBody: true, logger });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
  });

  const post = (path: string, body: string, headers: Record<string, string>) =>
    request(app.getHttpServer()).post(path).set('content-type', 'application/json').set(headers).send(body);

  it('runs the Stripe handler for a signed event, and refuses one signed with another secret', async () => {
    const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'invoice.paid' });
    await post('/webhooks/stripe', body, signWebhook('stripe', { secret: SECRETS.stripe, body })).expect(200, { received: 'invoice.paid' });
    await post('/webhooks/stripe', body, signWebhook('stripe', { secret: 'whsec_another', body })).expect(401);
  });

  it('runs the GitHub handler for a signed event, with the event name from its header', async () => {
    const { body, headers } = signWebhook('github', { secret: SECRETS.github, type: 'issues', event: { action: 'opened', issue: { number: 1 } } });
    await post('/webhooks/github', body, headers).expect(200, { received: 'issues.opened' });
    await post('/webhooks/github', body.replace('opened', 'closed'), headers).expect(401);
  });

  it('runs the Trophy handler for a signed event, and refuses an unsigned one', async () => {
    const body = JSON.stringify({ type: 'achievement.completed' });
    await post('/webhooks/trophy', body, signWebhook('trophy', { secret: SECRETS.trophy, body })).expect(200, { received: 'achievement.completed' });
    await post('/webhooks/trophy', body, {}).expect(401);
  });

  it('logs why a request was rejected, and answers with the generic 401 only', async () => {
    const body = JSON.stringify({ id: 'evt_2', type: 'invoice.paid' });
    const response = await post('/webhooks/stripe', body, signWebhook('stripe', { secret: 'whsec_another', body }));
    expect([response.status, response.body.message]).toEqual([401, 'Invalid webhook signature']);
    expect(logger.lines.some((line) => line.level === 'warn' && /stripe/.test(line.message) && /no_matching_signature/.test(line.message))).toBe(true);
  });
});
