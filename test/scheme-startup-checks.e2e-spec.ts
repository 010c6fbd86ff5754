import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { createApp } from './app/create-app.js';

const SECRET = 'acme-template-secret';

@Controller('template')
class TemplateController {
  @Post('acme')
  @HttpCode(200)
  @VerifiedWebhook('acme')
  acme(@Body() body: unknown) {
    return body;
  }
}

const BASE = { header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex', timestamp: { header: 'x-acme-time', format: 'unix' } } as const;
const start = (signedContent: string) =>
  createApp(WebhookSecurityModule.forRoot({ providers: { acme: { secret: SECRET, scheme: { ...BASE, signedContent } } } }), {
    controllers: [TemplateController],
  });

/*
 * A declarative scheme's template is checked at startup: a field the library
 * does not know (`{payload}`, `{Body}`) would be signed as literal text, and a
 * template without `{body}` would hand the handler bytes nobody signed.
 */
describe('The signed-content template of a declarative scheme', () => {
  it.each([
    ['{timestamp}.{payload}', '{payload} is no field'],
    ['{timestamp}.{Body}', '{Body} is no field'],
    ['{timestamp}.{ body }', '{ body } is no field'],
  ])('stops the app at startup on %s, naming the field', async (template, problem) => {
    await expect(start(template)).rejects.toThrow(`needs a signedContent over {id}, {timestamp}, {method}, {url} and {body} that signs {body} (${problem})`);
  });

  it('stops the app at startup on a template that does not sign the body', async () => {
    // Were it accepted, a signature over the timestamp alone would carry any body to the handler.
    await expect(start('{timestamp}')).rejects.toThrow('that signs {body} (it does not sign {body})');
  });

  it('still accepts a template over the body, and the handler gets the signed body', async () => {
    const t = await start('{timestamp}.{body}');
    try {
      const ts = String(Math.floor(Date.now() / 1000));
      const body = '{"id":"evt_template"}';
      const signature = createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex');
      await request(t.app.getHttpServer())
        .post('/template/acme')
        .set({ 'content-type': 'application/json', 'x-acme-time': ts, 'x-acme-signature': signature })
        .send(body)
        .expect(200, { id: 'evt_template' });
    } finally {
      await t.app.close();
    }
  });
});

@Controller('basic')
class BasicController {
  @Post()
  @HttpCode(200)
  @VerifiedWebhook('hook')
  hook(@Body() body: unknown) {
    return body;
  }
}

/*
 * HTTP Basic credentials configured as ':' (a user and a password both
 * empty, as `${process.env.USER ?? ''}:${process.env.PASSWORD ?? ''}` gives
 * with neither set) would let anyone in with `Basic Og==`.
 */
describe('A Basic scheme whose secret names neither a user nor a password', () => {
  const startBasic = (secret: string) =>
    createApp(WebhookSecurityModule.forRoot({ providers: { hook: { secret, scheme: { kind: 'basic' } } } }), { controllers: [BasicController] });

  it('stops the app at startup', async () => {
    await expect(startBasic(':')).rejects.toThrow("Webhook provider 'hook'");
  });

  it.each(['user:', ':password', 'user:pass:word'])('still accepts %s, and lets in only those credentials', async (secret) => {
    const t = await startBasic(secret);
    try {
      const post = (credentials: string) =>
        request(t.app.getHttpServer())
          .post('/basic')
          .set({ 'content-type': 'application/json', authorization: `Basic ${Buffer.from(credentials).toString('base64')}` })
          .send('{"ok":true}');
      await post(secret).expect(200, { ok: true });
      await post(':').expect(401);
    } finally {
      await t.app.close();
    }
  });
});
