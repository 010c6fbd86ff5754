import { createHmac } from 'node:crypto';
import { Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { Calls } from './app/calls-app.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { send } from './support/raw-http.js';

/*
 * A described scheme may list escapes its sender decodes in the URL before
 * signing it (`urlDecode`). A sender that decoded `%26` (&), `%3D` (=) or
 * `%2B` (+) in the query, or `%25` (%) anywhere, would sign
 * `?note=1%26admin=1` and `?note=1&admin=1` alike: a signed URL would reach
 * the handler with other query parameters or route params than the sender
 * called, under the same signature.
 */
const SECRET = 'partner-secret';
const ESCAPES = ['%2F', '%3A'];
const SCHEME = { header: 'x-partner-signature', algorithm: 'sha256', encoding: 'hex', signedContent: '{url}.{body}', urlDecode: ESCAPES } as const;
const BODY = '{"event":"order.paid"}';

@Controller('pq')
class PartnerController {
  constructor(private readonly calls: Calls) {}

  @Post(':tenant')
  @HttpCode(200)
  @VerifiedWebhook('partner')
  hook(@Param('tenant') tenant: string, @Query() query: Record<string, string>) {
    this.calls.names.push(JSON.stringify({ tenant, query }));
  }
}

/** The signature as the sender computes it: its escapes decoded in the whole URL it calls. */
function senderSignature(url: string): string {
  const signed = url.replace(new RegExp(ESCAPES.join('|'), 'g'), (escape) => decodeURIComponent(escape));
  return createHmac('sha256', SECRET).update(`${signed}.${BODY}`).digest('hex');
}

/*
 * The sender signs a URL with such an escape and the URL with the character
 * itself alike, and the verifier cannot tell which it called: whatever it
 * keeps or decodes, one of the two verifies under the other's signature. So
 * a description that lists one is refused at startup.
 */
describe('A described scheme whose urlDecode lists an escape of &, =, +, % or #', () => {
  it.each(['%26', '%3D', '%2B', '%25', '%23', '%2b'])('stops the app at startup on %s, naming the fix', async (escape) => {
    const scheme = { ...SCHEME, urlDecode: ['%2F', escape] };
    const started = createApp(WebhookSecurityModule.forRoot({ providers: { partner: { secret: SECRET, scheme } } }), {
      controllers: [PartnerController],
      providers: [Calls],
    }).then((app) => app.app.close());
    await expect(started).rejects.toThrow('urlDecode as a list of ASCII percent-escapes');
  });
});

describe.each(ADAPTERS)('Escapes a described scheme decodes, that delimit nothing the app reads (%s)', (adapter) => {
  let t: TestApp & { calls: Calls };
  let port: number;

  beforeAll(async () => {
    const app = await createApp(WebhookSecurityModule.forRoot({ providers: { partner: { secret: SECRET, scheme: SCHEME } } }), {
      adapter,
      controllers: [PartnerController],
      providers: [Calls],
    });
    await app.app.listen(0, '127.0.0.1');
    port = (app.app.getHttpServer().address() as { port: number }).port;
    t = { ...app, calls: app.app.get(Calls) };
  });
  afterAll(() => t.app.close());
  beforeEach(() => t.calls.names.splice(0));

  /** Sends `path` with the signature the sender gave for a call to `signedPath`. */
  const post = (path: string, signedPath = path) =>
    send(port, path, { 'content-type': 'application/json', 'x-partner-signature': senderSignature(`http://127.0.0.1:${port}${signedPath}`) }, BODY);

  it('accepts a URL with none of them as signed: 200', async () => {
    expect((await post('/pq/acme?next=a%2Fb%3Ac')).status).toBe(200);
    expect(t.calls.names).toEqual([JSON.stringify({ tenant: 'acme', query: { next: 'a/b:c' } })]);
  });

  it('accepts a query with those it lists, as the sender signs it, and the handler reads them as sent', async () => {
    expect((await post('/pq/acme?next=a%2Fb%3Ac&x=%26')).status).toBe(200);
    expect(t.calls.names).toEqual([JSON.stringify({ tenant: 'acme', query: { next: 'a/b:c', x: '&' } })]);
  });
});
