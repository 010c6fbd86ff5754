import { Module, type DynamicModule } from '@nestjs/common';
import request from 'supertest';
import { WebhookSecurityModule, type WebhookSecurityModuleOptions } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { ADAPTERS, SECRETS, createApp, type TestApp } from './app/create-app.js';

const options = (): WebhookSecurityModuleOptions => ({
  providers: {
    trophy: { secret: SECRETS.trophy },
    fullup: { secret: ['fullup-new-secret', SECRETS.fullup] },
    noyo: { secret: SECRETS.noyo },
    signalwire: { secret: SECRETS.signalwire },
  },
});

const SECRETS_TOKEN = 'TEST_SECRETS';
@Module({ providers: [{ provide: SECRETS_TOKEN, useFactory: options }], exports: [SECRETS_TOKEN] })
class SecretsModule {}

const setups: [string, () => DynamicModule][] = [
  ['forRoot', () => WebhookSecurityModule.forRoot(options())],
  [
    'forRootAsync',
    () =>
      WebhookSecurityModule.forRootAsync({
        imports: [SecretsModule],
        inject: [SECRETS_TOKEN],
        useFactory: async (resolved: WebhookSecurityModuleOptions) => resolved,
      }),
  ],
];

type Vendor = keyof typeof SECRETS;
const VENDORS: Vendor[] = ['trophy', 'fullup', 'noyo', 'signalwire'];
const BODY = JSON.stringify({ id: 'evt_1', type: 'user.updated', data: { name: 'Zoë', city: '北京', emoji: '🎉' } });
const GENERIC_401 = { statusCode: 401, message: 'Invalid webhook signature', error: 'Unauthorized' };

const cases = ADAPTERS.flatMap((adapter) => setups.map(([name, module]) => [adapter, name, module] as const));

describe.each(cases)('%s, WebhookSecurityModule.%s', (adapter, _name, webhookModule) => {
  let t: TestApp;
  let host: string;

  beforeEach(async () => {
    t = await createApp(webhookModule(), { adapter });
    await t.app.listen(0, '127.0.0.1');
    host = `127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
  });
  afterEach(() => t.app.close());

  const post = (vendor: Vendor, body: string | Buffer, headers: Record<string, string>, contentType = 'application/json') =>
    request(t.app.getHttpServer()).post(`/webhooks/${vendor}`).set('content-type', contentType).set(headers).send(body);
  const signed = (vendor: Vendor, body: string, secret: string = SECRETS[vendor]) =>
    signWebhook(vendor, { secret, body, url: `http://${host}/webhooks/${vendor}` });

  describe.each(VENDORS)('%s', (vendor) => {
    it('runs the handler for a valid request, with the parsed body and the raw bytes', async () => {
      await post(vendor, BODY, signed(vendor, BODY)).expect(200, { received: true });
      expect(t.log.deliveries).toEqual([{ provider: vendor, body: JSON.parse(BODY), rawBody: BODY }]);
    });

    it('verifies a pretty-printed body as sent, not re-serialised', async () => {
      const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
      await post(vendor, pretty, signed(vendor, pretty)).expect(200);
      expect(t.log.deliveries).toHaveLength(1);
    });

    it('verifies a non-ASCII body byte for byte', async () => {
      const body = '{"text":"naïve café — 日本語 — 🎉","note":"\\u00e9 vs é"}';
      await post(vendor, body, signed(vendor, body)).expect(200);
      expect(t.log.deliveries[0]?.rawBody).toBe(body);
    });

    it('rejects a tampered body, a wrong secret and a missing signature with the same generic 401', async () => {
      const headers = signed(vendor, BODY);
      await post(vendor, BODY.replace('Zoë', 'Zoe'), headers).expect(401, GENERIC_401);
      await post(vendor, BODY, signed(vendor, BODY, 'wrong-secret')).expect(401, GENERIC_401);
      await post(vendor, BODY, {}).expect(401, GENERIC_401);
      expect(t.log.deliveries).toEqual([]);
    });

    it('answers 401, never 500, to junk signature headers', async () => {
      const names = Object.keys(signed(vendor, BODY));
      for (const junk of ['x', 'zz'.repeat(32), '%00%ff', 'é'.repeat(200), 'A'.repeat(6_000), ', , ,']) {
        await post(vendor, BODY, Object.fromEntries(names.map((name) => [name, junk]))).expect(401);
      }
      expect(t.log.deliveries).toEqual([]);
    });

    it('logs the provider, route and reason, and never the secret or the signature', async () => {
      const headers = signed(vendor, BODY, 'wrong-secret');
      await post(vendor, BODY, headers).expect(401);
      const warnings = t.logger.lines
        .filter((line) => line.level === 'warn' && !/publicBaseUrl|replay protection off/.test(line.message))
        .map((line) => line.message);
      expect(warnings).toEqual([`Rejected webhook from '${vendor}' on POST /webhooks/${vendor}: no_matching_signature`]);
      const logged = t.logger.lines.map((line) => line.message).join('\n');
      for (const value of [SECRETS[vendor], ...Object.values(headers)]) expect(logged).not.toContain(value);
    });
  });

  it('accepts either secret of a rotation', async () => {
    await post('fullup', BODY, signed('fullup', BODY, 'fullup-new-secret')).expect(200);
    await post('fullup', BODY, signed('fullup', BODY, SECRETS.fullup)).expect(200);
    expect(t.log.deliveries).toHaveLength(2);
  });

  it('verifies a SignalWire cXML form post to a URL with a query string', async () => {
    const body = new URLSearchParams({ CallSid: 'CA123', From: '+14158675309', Body: 'hello world & more' }).toString();
    const path = '/webhooks/signalwire?tenant=acme&x=1';
    const headers = signWebhook('signalwire', { secret: SECRETS.signalwire, body, url: `http://${host}${path}`, format: 'form' });
    const send = (h: Record<string, string>) =>
      request(t.app.getHttpServer()).post(path).set('content-type', 'application/x-www-form-urlencoded').set(h).send(body);
    await send(headers).expect(200);
    expect(t.log.deliveries[0]?.body).toEqual({ CallSid: 'CA123', From: '+14158675309', Body: 'hello world & more' });
    await request(t.app.getHttpServer())
      .post('/webhooks/signalwire?tenant=other&x=1')
      .set('content-type', 'application/x-www-form-urlencoded')
      .set(headers)
      .send(body)
      .expect(401);
    expect(t.log.deliveries).toHaveLength(1);
  });

  it('verifies a SignalWire SWML (JSON) post, SHA-1 alone or with SHA-256', async () => {
    const headers = signed('signalwire', BODY);
    expect(Object.keys(headers).sort()).toEqual(['x-signalwire-sha256-signature', 'x-signalwire-signature']);
    await post('signalwire', BODY, headers).expect(200);
    await post('signalwire', BODY, { 'x-signalwire-signature': headers['x-signalwire-signature']! }).expect(200);
    expect(t.log.deliveries).toHaveLength(2);
  });

  // Fastify parses text/plain itself and rejects an empty JSON body: see fastify.e2e-spec.ts.
  if (adapter === 'express') {
    it('reads the body itself for content types no parser consumes', async () => {
      const body = 'plain text payload ✓';
      await post('trophy', body, signed('trophy', body), 'text/plain').expect(200);
      expect(t.log.deliveries[0]?.rawBody).toBe(body);
    });

    it('verifies an empty body as the empty byte string', async () => {
      await post('trophy', '', signed('trophy', '')).expect(200);
      await post('trophy', '', signed('trophy', 'x')).expect(401);
      expect(t.log.deliveries).toHaveLength(1);
    });
  }

  it('runs the class-level decorator on every route of the controller', async () => {
    const send = (headers: Record<string, string>) =>
      request(t.app.getHttpServer()).post('/class-level').set('content-type', 'application/json').set(headers).send(BODY);
    await send({}).expect(401);
    await send(signWebhook('fullup', { secret: SECRETS.fullup, body: BODY })).expect(200);
    expect(t.log.deliveries.map((d) => d.provider)).toEqual(['class-level']);
  });
});
