import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { WebhookSecurityModule } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { SECRETS, createApp, type TestApp } from './app/create-app.js';
import { send as sendRaw } from './support/raw-http.js';

const BODY = '{"id":"evt_1"}';
const ALL = Object.fromEntries(Object.entries(SECRETS).map(([name, secret]) => [name, { secret }]));

/** What Fastify does before the guard runs, where it differs from Express. */
describe('on Fastify', () => {
  let t: TestApp;
  afterEach(() => t.app.close());

  const post = (contentType: string | undefined, body: string, signedBody = body) => {
    const test = request(t.app.getHttpServer())
      .post('/webhooks/trophy')
      .set(signWebhook('trophy', { secret: SECRETS.trophy, body: signedBody }));
    return contentType === undefined ? test : test.set('content-type', contentType).send(body);
  };

  it('answers 415 to a content type it has no parser for, before the guard and the handler', async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: ALL }), { adapter: 'fastify' });
    t.logger.lines.length = 0; // the startup warnings
    await post('application/octet-stream', BODY).expect(415);
    await post('application/vnd.api+json', BODY).expect(415);
    expect(t.log.deliveries).toEqual([]);
    expect(t.logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('answers 400 to an empty JSON body; a request without a body is verified as the empty byte string', async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: ALL }), { adapter: 'fastify' });
    await post('application/json', '').expect(400);
    await post(undefined, '').expect(200);
    await post(undefined, '', 'x').expect(401);
    expect(t.log.deliveries).toEqual([{ provider: 'trophy', body: undefined, rawBody: '' }]);
  });

  it('answers 415 to text/plain, which its own parser reads without keeping the bytes, naming the fix', async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: ALL }), { adapter: 'fastify' });
    for (let i = 0; i < 3; i++) {
      // Anyone can send text/plain: a client error, not a server one, however often it comes.
      const response = await post('text/plain', 'plain text ✓').expect(415);
      expect(response.body.message).toContain("app.useBodyParser('text/plain')");
    }
    expect(t.log.deliveries).toEqual([]);
    // Logged once per route, so that a sender of text/plain is noticed and unsigned requests cannot flood the log.
    expect(t.logger.lines.filter((line) => line.level === 'error' && line.message.includes('raw request body is unavailable'))).toHaveLength(1);
  });

  it("verifies text/plain byte for byte once the app registers it with app.useBodyParser('text/plain')", async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: ALL }), {
      adapter: 'fastify',
      beforeInit: (app) => (app as NestFastifyApplication).useBodyParser('text/plain'),
    });
    await post('text/plain', 'plain text ✓').expect(200);
    await post('text/plain', 'plain text ✓', 'plain text').expect(401);
    expect(t.log.deliveries.map((delivery) => delivery.rawBody)).toEqual(['plain text ✓']);
  });

  it('inflates no compressed body: gzipped JSON gets 400 from the parser, and JSON only labelled gzip is verified as it arrived', async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: ALL }), { adapter: 'fastify' });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const gzipped = gzipSync(BODY);
    const post = (body: Buffer | string, signedBody: Buffer | string) =>
      sendRaw(
        port,
        '/webhooks/fullup',
        { ...signWebhook('fullup', { secret: SECRETS.fullup, body: signedBody }), 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body,
      );
    // Express inflates the body and verifies the JSON signed before compressing (200); Fastify's parser reads the compressed bytes as JSON.
    expect((await post(gzipped, BODY)).status).toBe(400);
    expect((await post(gzipped, gzipped)).status).toBe(400);
    // Express fails to inflate what is not compressed (400); here the bytes are verified as they arrived.
    expect((await post(BODY, BODY)).status).toBe(200);
    expect((await post(BODY, `${BODY} `)).status).toBe(401);
    expect(t.log.deliveries).toEqual([{ provider: 'fullup', body: JSON.parse(BODY), rawBody: BODY }]);
  });

  it('answers 500 when the app is created without rawBody, logs the fix, and never runs the handler', async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: ALL }), { adapter: 'fastify', rawBody: false });
    const response = await post('application/json', BODY).expect(500);
    expect(response.body.message).toContain('{ rawBody: true }');
    expect(t.log.deliveries).toEqual([]);
    const errors = t.logger.lines.filter((line) => line.level === 'error').map((line) => line.message);
    expect(errors).toEqual([expect.stringMatching(/^POST \/webhooks\/trophy: .*\{ rawBody: true \}/)]);
  });
});
