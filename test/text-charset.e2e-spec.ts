import { Body, Controller, HttpCode, Post, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { send } from './support/raw-http.js';
import { ADAPTERS, createApp, type Adapter, type TestApp } from './app/create-app.js';

const SECRET = 'github-text-charset-secret';
/** What the handler was given. */
const bodies: unknown[] = [];

@Controller('charset')
class TextController {
  @Post('github')
  @HttpCode(200)
  @VerifiedWebhook('github')
  github(@Body() body: unknown) {
    bodies.push(body);
  }
}

/** GitHub's documented scheme: sha256=hex(HMAC-SHA256(secret, raw body)). */
const sign = (body: string | Buffer) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

/** The setup docs/fastify.md gives for senders that post text/plain, on both adapters. */
const parseText = (adapter: Adapter) => (app: INestApplication) =>
  adapter === 'express' ? (app as NestExpressApplication).useBodyParser('text') : (app as NestFastifyApplication).useBodyParser('text/plain');

describe.each(ADAPTERS)('A text body and its declared charset (%s)', (adapter) => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: { github: { secret: SECRET } } }), {
      adapter,
      controllers: [TextController],
      beforeInit: parseText(adapter),
    });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.app.close());
  beforeEach(() => {
    bodies.length = 0;
  });

  const body = Buffer.from('{"name":"café","note":"+AHs-"}', 'utf8');
  const post = async (type: string) => {
    const res = await send(port, '/charset/github', { 'content-type': type, 'x-hub-signature-256': sign(body) }, body);
    return res;
  };

  /** The handler's body as text: Express's text parser gives a string, Nest's Fastify parser the bytes. */
  const received = () => bodies.map((b) => (Buffer.isBuffer(b) ? b.toString('utf8') : b));

  it.each(['text/plain', 'text/plain; charset=utf-8', 'text/plain; charset="UTF-8"'])('hands the handler the signed text as %s', async (type) => {
    expect((await post(type)).status).toBe(200);
    expect(received()).toEqual([body.toString('utf8')]);
  });

  // Express's text parser decodes under any charset iconv-lite knows: under utf-7 the signed "+AHs-" would reach the handler as "{".
  it.each(['iso-8859-1', 'utf-7', '"utf-16le"'])('answers 415 to signed text sent with charset=%s, and runs no handler', async (charset) => {
    expect((await post(`text/plain; charset=${charset}`)).status).toBe(415);
    expect(bodies).toEqual([]);
  });
});
