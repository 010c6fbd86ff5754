import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { WebhookSecurityModule } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { SECRETS, createApp, type Adapter, type TestApp } from './app/create-app.js';

const BODY = '{"id":"evt_1"}';
const ALL = Object.fromEntries(Object.entries(SECRETS).map(([name, secret]) => [name, { secret }]));

/**
 * Each way the raw bytes can be gone, on each adapter, and the fix the
 * response and the error log name: a 500 where JSON or a form, which every
 * sender of JSON or forms sends, is never verifiable (the app lacks
 * `rawBody: true`); a 415 where a parser the app did not register for the
 * raw bytes took another content type, which anyone can send.
 */
describe.each<[Adapter, string, { rawBody: boolean; parser?: string }, string, number, string[], string[]]>([
  [
    'express',
    'application/json',
    { rawBody: false },
    'BODY',
    500,
    ['Create the app with NestFactory.create(AppModule, { rawBody: true })', "app.useBodyParser('json')"],
    ['FastifyAdapter', "useBodyParser('application/json')"],
  ],
  [
    'express',
    'text/plain',
    { rawBody: false, parser: 'text' },
    'text',
    415,
    ["Register the parser that read this 'text/plain' body through app.useBodyParser() (e.g. app.useBodyParser('text'))", '{ rawBody: true }'],
    ['FastifyAdapter', "useBodyParser('text/plain')"],
  ],
  [
    'fastify',
    'application/json',
    { rawBody: false },
    'BODY',
    500,
    ['Create the app with NestFactory.create(AppModule, new FastifyAdapter(), { rawBody: true })'],
    ['useBodyParser', 'json()'],
  ],
  [
    'fastify',
    'text/plain',
    { rawBody: true },
    'text',
    415,
    ["Fastify's own parser for 'text/plain' read it and kept no copy: register the type with app.useBodyParser('text/plain')"],
    ['json()', 'NestFactory.create(AppModule, { rawBody: true })'],
  ],
])('on %s, a %s body with %j', (adapter, contentType, setup, bodyKind, status, named, notNamed) => {
  let t: TestApp;
  afterEach(() => t.app.close());

  it(`answers ${status} naming the fix for this adapter, and logs it`, async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: ALL }), {
      adapter,
      rawBody: setup.rawBody,
      beforeInit: setup.parser ? (app) => (app as INestApplication & { useBodyParser(type: string): void }).useBodyParser(setup.parser!) : undefined,
    });
    const body = bodyKind === 'BODY' ? BODY : 'plain text';
    const response = await request(t.app.getHttpServer())
      .post('/webhooks/trophy')
      .set(signWebhook('trophy', { secret: SECRETS.trophy, body }))
      .set('content-type', contentType)
      .send(body)
      .expect(status);
    const errors = t.logger.lines.filter((line) => line.level === 'error').map((line) => line.message);
    expect(errors).toHaveLength(1);
    for (const text of [response.body.message as string, errors[0]!]) {
      for (const fix of named) expect(text).toContain(fix);
      for (const other of notNamed) expect(text).not.toContain(other);
    }
    expect(t.log.deliveries).toEqual([]);
  });
});

describe('the content type in the fix', () => {
  let t: TestApp;
  afterEach(() => t.app.close());

  it('is quoted only when it is a plain media type', async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: ALL }), {
      rawBody: false,
      beforeInit: (app) => (app as INestApplication & { useBodyParser(type: string, options: object): void }).useBodyParser('text', { type: () => true }),
    });
    const response = await request(t.app.getHttpServer())
      .post('/webhooks/trophy')
      .set(signWebhook('trophy', { secret: SECRETS.trophy, body: 'x' }))
      .set('content-type', 'text/<b>evil</b>; a=b')
      .send('x')
      .expect(415);
    expect(response.body.message).toContain('Register the parser that read this body through app.useBodyParser()');
    expect(response.body.message).not.toContain('<b>');
  });
});
