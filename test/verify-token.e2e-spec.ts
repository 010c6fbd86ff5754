import { All, Controller, HttpCode } from '@nestjs/common';
import request from 'supertest';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { createApp } from './app/create-app.js';

@Controller('hooks')
class MetaController {
  @All('meta')
  @HttpCode(200)
  @VerifiedWebhook('meta')
  meta() {}
}

// Meta's subscription check (GET ?hub.mode=subscribe&hub.verify_token=…) is
// unsigned: the verify token is all it proves. One read from an unset or
// blank variable, or from a file with its newline, must fail at startup
// rather than answer every check with 401, or answer an empty token.
describe('A verify token that cannot be the one chosen fails at startup', () => {
  it.each([
    ['an empty string', ''],
    ['only whitespace', '  '],
    ['a trailing newline', 'meta-verify-token\n'],
    ['a leading space', ' meta-verify-token'],
    ['a number', 12345],
  ])('rejects %s, naming the provider and the option', async (_name, verifyToken) => {
    const module = WebhookSecurityModule.forRoot({ providers: { meta: { secret: 'meta-app-secret', verifyToken: verifyToken as string } } });
    await expect(createApp(module, { controllers: [MetaController] })).rejects.toThrow(/'meta'.*verifyToken/);
  });

  it('starts with a token as chosen, and answers only that token: 200, then 401 for an empty one', async () => {
    const module = WebhookSecurityModule.forRoot({ providers: { meta: { secret: 'meta-app-secret', verifyToken: 'meta-verify-token' } } });
    const { app } = await createApp(module, { controllers: [MetaController] });
    try {
      const ok = await request(app.getHttpServer()).get('/hooks/meta?hub.mode=subscribe&hub.verify_token=meta-verify-token&hub.challenge=42');
      expect([ok.status, ok.text]).toEqual([200, '42']);
      await request(app.getHttpServer()).get('/hooks/meta?hub.mode=subscribe&hub.verify_token=&hub.challenge=42').expect(401);
    } finally {
      await app.close();
    }
  });
});
