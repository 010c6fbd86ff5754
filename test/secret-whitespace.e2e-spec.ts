import { WebhookSecurityModule } from '../src/index.js';
import { createApp } from './app/create-app.js';

// A secret read from a file or a `.env` line often keeps its newline: every
// delivery the sender signs with the secret itself would then get 401.
describe('A secret with whitespace around it fails at startup', () => {
  it.each([
    ['a trailing newline', 'stripe', 'whsec_c2VjcmV0\n'],
    ['a trailing CRLF', 'github', 'github-secret\r\n'],
    ['a leading space', 'shopify', ' shpss_secret'],
    ['a trailing newline in a rotation list', 'slack', ['slack-secret', 'slack-next\n']],
  ] as const)('rejects %s, naming the provider', async (_name, scheme, secret) => {
    const module = WebhookSecurityModule.forRoot({ providers: { fullup: { scheme, secret: secret } } });
    await expect(createApp(module, { controllers: [] })).rejects.toThrow(/'fullup'.*whitespace/);
  });
});
