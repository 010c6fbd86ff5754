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
