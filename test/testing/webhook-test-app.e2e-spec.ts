import { jest } from '@jest/globals';
import { Controller, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { VerifiedWebhook, WebhookSecurityModule } from '../../src/index.js';
import { createWebhookTestApp, lastWebhookRejection, signWebhook, WEBHOOK_TEST_SECRETS } from '../../src/testing/index.js';
import { ADAPTERS } from '../app/create-app.js';
import { PaymentsAppModule, Received } from './testing-app.js';

const STRIPE = 'whsec_test_connect';
const GITHUB = 'github-test-secret';
const SECRETS = { stripeConnect: STRIPE, github: GITHUB, fullup: 'fullup-test-secret' };

describe.each(ADAPTERS)('createWebhookTestApp on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const create = (extra: Parameters<typeof createWebhookTestApp>[1] = {}) =>
    createWebhookTestApp(Test.createTestingModule({ imports: [PaymentsAppModule] }), {
      secrets: SECRETS,
      ...(adapter === 'fastify' ? { adapter: new FastifyAdapter() } : {}),
      ...extra,
    });

  it('starts an app whose secrets are unset, with the test secrets, and keeps the exact bytes for the handler', async () => {
    app = await create();
    const { body, headers } = signWebhook('stripe', { secret: STRIPE, event: { id: 'evt_1', type: 'invoice.paid' } });
    await request(app.getHttpServer()).post('/webhooks/stripe').set(headers).set('content-type', 'application/json').send(body).expect(200);
    expect(app.get(Received).bodies).toEqual([body]);
    expect(lastWebhookRejection(app)).toBeUndefined();
  });

  it('tells the test why the last request was refused, while the response stays generic', async () => {
    app = await create();
    const body = '{"id":"evt_2"}';
    const response = await request(app.getHttpServer())
      .post('/webhooks/stripe')
      .set(signWebhook('stripe', { secret: 'whsec_not_the_test_secret', body }))
      .set('content-type', 'application/json')
      .send(body)
      .expect(401);
    expect(JSON.stringify(response.body)).not.toContain('no_matching_signature');
    expect(lastWebhookRejection(app)).toEqual({ provider: 'stripeConnect', reason: 'no_matching_signature', method: 'POST', route: '/webhooks/stripe' });

    await request(app.getHttpServer()).post('/webhooks/github').set('content-type', 'application/json').send(body).expect(401);
    expect(lastWebhookRejection(app)).toMatchObject({ provider: 'github', reason: 'missing_header' });
    expect(app.get(Received).bodies).toEqual([]);
  });

  it('replaces a secret function with the test secret', async () => {
    app = await create();
    const body = '{"tenant":"a"}';
    const headers = signWebhook('fullup', { secret: SECRETS.fullup, body });
    await request(app.getHttpServer()).post('/webhooks/text').set(headers).set('content-type', 'application/json').send(body).expect(200);
  });

  it('prints the rejection through a logger that keeps warnings', async () => {
    const lines: string[] = [];
    const capture = (chunk: unknown): boolean => (lines.push(String(chunk)), true);
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      app = await create();
      await request(app.getHttpServer()).post('/webhooks/github').set('content-type', 'application/json').send('{}').expect(401);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(lines.join('')).toContain("Rejected webhook from 'github' on POST /webhooks/github: missing_header");
  });

  it('stops recording when the app closes', async () => {
    const first = await create();
    await request(first.getHttpServer()).post('/webhooks/github').set('content-type', 'application/json').send('{}').expect(401);
    await first.close();
    app = await create();
    await request(app.getHttpServer()).post('/webhooks/github').set('content-type', 'application/json').send('{}').expect(401);
    expect(lastWebhookRejection(first)).toMatchObject({ reason: 'missing_header' });
    expect(lastWebhookRejection(app)).toMatchObject({ reason: 'missing_header' });
  });
});

@Controller('hooks')
class GitHubController {
  @Post('github')
  @HttpCode(200)
  @VerifiedWebhook('github')
  handle() {}
}

describe('test secrets', () => {
  it('are given with overrideProvider(WEBHOOK_TEST_SECRETS), as any Nest provider is replaced in a test', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PaymentsAppModule] })
      .overrideProvider(WEBHOOK_TEST_SECRETS)
      .useValue({ stripeConnect: STRIPE, github: [GITHUB, 'old'], fullup: 'f' })
      .compile();
    const app = await createWebhookTestApp(moduleRef);
    try {
      const body = '{"id":"evt_3"}';
      await request(app.getHttpServer())
        .post('/webhooks/github')
        .set(signWebhook('github', { secret: 'old', body }))
        .set('content-type', 'application/json')
        .send(body)
        .expect(200);
    } finally {
      await app.close();
    }
  });

  it('replace the secrets of a module configured with forRootAsync', async () => {
    @Module({
      imports: [WebhookSecurityModule.forRootAsync({ useFactory: async () => ({ providers: { github: { secret: process.env.UNSET_GITHUB_SECRET } } }) })],
      controllers: [GitHubController],
    })
    class AsyncAppModule {}
    const app = await createWebhookTestApp(Test.createTestingModule({ imports: [AsyncAppModule] }), { secrets: { github: GITHUB } });
    try {
      const body = '{"id":"evt_4"}';
      await request(app.getHttpServer())
        .post('/hooks/github')
        .set(signWebhook({ app, provider: 'github' }, { body }))
        .set('content-type', 'application/json')
        .send(body)
        .expect(200);
    } finally {
      await app.close();
    }
  });

  it('name configured providers only, with a suggestion for a typo', async () => {
    await expect(
      createWebhookTestApp(Test.createTestingModule({ imports: [PaymentsAppModule] }), { secrets: { ...SECRETS, stripeconect: STRIPE } }),
    ).rejects.toThrow("Test secrets name the webhook provider 'stripeconect', which is not configured: did you mean 'stripeConnect'?");
  });

  it('are still checked: a blank one fails startup', async () => {
    await expect(createWebhookTestApp(Test.createTestingModule({ imports: [PaymentsAppModule] }), { secrets: { ...SECRETS, github: ' ' } })).rejects.toThrow(
      "Webhook provider 'github': secret is only whitespace",
    );
  });

  it('need the builder, not a compiled module', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PaymentsAppModule] })
      .overrideProvider(WEBHOOK_TEST_SECRETS)
      .useValue(SECRETS)
      .compile();
    await expect(createWebhookTestApp(moduleRef, { secrets: SECRETS })).rejects.toThrow(
      'Pass Test.createTestingModule(...) itself, before compile(), to give secrets',
    );
    await moduleRef.close();
  });
});
