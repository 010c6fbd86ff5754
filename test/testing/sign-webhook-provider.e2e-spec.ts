import { createHmac } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Stripe from 'stripe';
import request from 'supertest';
import { MailgunVerifier, type WebhookSecurityModuleOptions } from '../../src/index.js';
import { createWebhookTestApp, signWebhook } from '../../src/testing/index.js';
import { PaymentsAppModule } from './testing-app.js';

const STRIPE = 'whsec_test_connect';
const OPTIONS: WebhookSecurityModuleOptions = {
  providers: {
    stripeConnect: { scheme: 'stripe', secret: STRIPE },
    github: { secret: ['new-github-secret', 'old-github-secret'] },
    tenants: { scheme: 'fullup', secret: () => 'per-tenant' },
  },
};

describe('signWebhook with a configured provider', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createWebhookTestApp(Test.createTestingModule({ imports: [PaymentsAppModule] }), {
      secrets: { stripeConnect: STRIPE, github: 'github-test-secret' },
    });
  });
  afterAll(() => app.close());

  it("signs with the app's scheme and secret for that provider name", async () => {
    const { body, headers } = signWebhook({ app, provider: 'stripeConnect' }, { event: { id: 'evt_1', object: 'event' } });
    // stripe-node checks the header: https://github.com/stripe/stripe-node (Webhooks.constructEvent)
    expect(Stripe.webhooks.constructEvent(body, headers['stripe-signature']!, STRIPE)).toEqual({ id: 'evt_1', object: 'event' });
    await request(app.getHttpServer()).post('/webhooks/stripe').set(headers).set('content-type', 'application/json').send(body).expect(200);
  });

  it('signs a body, and takes a secret given in the input over the configured one', async () => {
    const body = '{"zen":"x"}';
    await request(app.getHttpServer())
      .post('/webhooks/github')
      .set({ ...signWebhook({ app, provider: 'github' }, { body }), 'x-github-event': 'ping' })
      .set('content-type', 'application/json')
      .send(body)
      .expect(200);
    await request(app.getHttpServer())
      .post('/webhooks/github')
      .set(signWebhook({ app, provider: 'github' }, { body, secret: 'another' }))
      .set('content-type', 'application/json')
      .send(body)
      .expect(401);
  });

  it('asks for the secret of a provider whose secret is looked up per request', () => {
    expect(() => signWebhook({ app, provider: 'fullup' }, { body: '{}' })).toThrow(
      "Webhook provider 'fullup' looks its secret up per request: pass the secret to sign with, e.g. signWebhook({ app, provider: 'fullup' }, { body, secret }).",
    );
    expect(Object.keys(signWebhook({ app, provider: 'fullup' }, { body: '{}', secret: 'tenant-a' }))).toEqual(['fullup-signature']);
  });

  it('names the configured providers, with a suggestion, for a name that is not one', () => {
    expect(() => signWebhook({ app, provider: 'stripe' }, { body: '{}' })).toThrow(
      "No webhook provider named 'stripe' is configured: did you mean 'stripeConnect'? (configured: 'stripeConnect', 'github', 'fullup').",
    );
  });

  it('reads the options given to forRoot, without an app', () => {
    const body = '{"id":"evt_2"}';
    const headers = signWebhook({ options: OPTIONS, provider: 'stripeConnect' }, { body });
    expect(Stripe.webhooks.constructEvent(body, headers['stripe-signature']!, STRIPE)).toMatchObject({ id: 'evt_2' });
    // The first entry of a rotation list signs: the new secret.
    expect(signWebhook({ options: OPTIONS, provider: 'github' }, { body })).toEqual(signWebhook('github', { secret: 'new-github-secret', body }));
    expect(() => signWebhook({ options: OPTIONS, provider: 'tenants' }, { body })).toThrow('looks its secret up per request');
  });

  it('signs a custom declarative scheme given as a description', () => {
    const scheme = { header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' } as const;
    expect(signWebhook(scheme, { secret: 's', body: 'b' })).toEqual({
      'x-acme-signature': 'sha256=' + createHmac('sha256', 's').update('b').digest('hex'),
    });
  });
});

describe('signWebhook timestamps', () => {
  const now = Date.now();

  it.each(['stripe', 'standardwebhooks', 'slack'] as const)('rejects a millisecond timestamp for %s, which signs seconds', (scheme) => {
    const secret = scheme === 'standardwebhooks' ? `whsec_${Buffer.from('k').toString('base64')}` : 's';
    expect(() => signWebhook(scheme, { secret, body: '{}', timestamp: now })).toThrow(
      `timestamp ${now} is in milliseconds: give Unix seconds, e.g. Math.floor(Date.now() / 1000), or a Date.`,
    );
    expect(() => signWebhook(scheme, { secret, body: '{}', timestamp: Math.floor(now / 1000) })).not.toThrow();
  });

  it('rejects one for a provider name and for MailgunVerifier.signatureFor too', () => {
    expect(() => signWebhook({ options: OPTIONS, provider: 'stripeConnect' }, { body: '{}', timestamp: now })).toThrow('is in milliseconds');
    expect(() => MailgunVerifier.signatureFor({ secret: 's', token: 't', timestamp: now })).toThrow('is in milliseconds');
  });
});
