import { createHmac } from 'node:crypto';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { Calls } from './app/calls-app.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { HUBSPOT_SECRET, call, hubspotHeaders } from './support/hubspot-requests.js';

/*
 * Senders that sign the URL with the body: Square (`{url}{body}`), HubSpot
 * (`{method}{url}{body}{timestamp}`, with some escapes decoded in the URL),
 * and a described scheme that decodes escapes too. A signature re-sent with
 * part of the URL moved into the body, with an escape decoded into a
 * delimiter, or without its body, must not reach a handler under another
 * route, route params, query or body; a genuine request, a HubSpot GET
 * without a body among them, must.
 */
const SQUARE_SECRET = 'square-signature-key';
const PARTNER_SECRET = 'partner-secret';
const PARTNER_ESCAPES = ['%2F', '%3A'];
const PARTNER_SCHEME = {
  header: 'x-partner-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  signedContent: '{url}.{body}',
  urlDecode: PARTNER_ESCAPES,
} as const;
const BODY = '{"merchant_id":"ML1","type":"payment.updated","event_id":"evt-1","data":{"object":{"payment":{"id":"p1","tender_ids":["t1"]}}}}';

@Controller()
class SignedUrlController {
  constructor(private readonly calls: Calls) {}

  @Post('sq/:tenant')
  @HttpCode(200)
  @VerifiedWebhook('square')
  square(@Param('tenant') tenant: string, @Query() query: Record<string, string>) {
    this.calls.names.push(JSON.stringify({ square: tenant, query }));
  }

  @Get('hs/card')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  card(@Query('portalId') portalId: string) {
    this.calls.names.push(`card:${portalId}`);
  }

  @Post('hs/card')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  posted(@Query('portalId') portalId: string) {
    this.calls.names.push(`post:${portalId}`);
  }

  @Post('hs/:tenant')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  hubspot(@Param('tenant') tenant: string, @Query() query: Record<string, string>) {
    this.calls.names.push(JSON.stringify({ hubspot: tenant, query }));
  }

  @Post('hs/:tenant/:region')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  region(@Param('tenant') tenant: string, @Param('region') region: string) {
    this.calls.names.push(JSON.stringify({ hubspot: tenant, region }));
  }

  @Post('pq/:tenant')
  @HttpCode(200)
  @VerifiedWebhook('partner')
  partner(@Param('tenant') tenant: string, @Query() query: Record<string, string>) {
    this.calls.names.push(JSON.stringify({ partner: tenant, query }));
  }
}

/** The partner's signature as its sender computes it: its escapes decoded in the whole URL it calls. */
function partnerSignature(url: string, body: string): string {
  const signed = url.replace(new RegExp(PARTNER_ESCAPES.join('|'), 'g'), (escape) => decodeURIComponent(escape));
  return createHmac('sha256', PARTNER_SECRET).update(`${signed}.${body}`).digest('hex');
}

/*
 * The sender signs a URL with an escape of a delimiter and the URL with the
 * character itself alike, and the verifier cannot tell which it called:
 * whatever it keeps or decodes, one of the two verifies under the other's
 * signature. So a description that lists one is refused at startup.
 */
describe('A described scheme whose urlDecode lists an escape of &, =, +, % or #', () => {
  it.each(['%26', '%3D', '%2B', '%25', '%23', '%2b'])('stops the app at startup on %s, naming the fix', async (escape) => {
    const scheme = { ...PARTNER_SCHEME, urlDecode: ['%2F', escape] };
    const started = createApp(WebhookSecurityModule.forRoot({ providers: { partner: { secret: PARTNER_SECRET, scheme } } }), {
      controllers: [SignedUrlController],
      providers: [Calls],
    }).then((app) => app.app.close());
    await expect(started).rejects.toThrow('urlDecode as a list of ASCII percent-escapes');
  });
});

describe.each(ADAPTERS)('Signatures over the URL and the body (%s)', (adapter) => {
  let t: TestApp & { calls: Calls };
  let port: number;

  beforeAll(async () => {
    const providers = {
      square: { secret: SQUARE_SECRET },
      hubspot: { secret: HUBSPOT_SECRET },
      partner: { secret: PARTNER_SECRET, scheme: PARTNER_SCHEME },
    };
    const app = await createApp(WebhookSecurityModule.forRoot({ providers }), { adapter, controllers: [SignedUrlController], providers: [Calls] });
    await app.app.listen(0, '127.0.0.1');
    port = (app.app.getHttpServer().address() as { port: number }).port;
    t = { ...app, calls: app.app.get(Calls) };
  });
  afterAll(() => t.app.close());
  beforeEach(() => t.calls.names.splice(0));

  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  // Express hands a text or octet-stream body to the guard, which answers 401; Fastify has no raw body for it and answers 415 first.
  const refused = () => (adapter === 'express' ? 401 : 415);

  describe('Square, with the URL/body split moved', () => {
    const signed = (path: string) => signWebhook('square', { secret: SQUARE_SECRET, body: BODY, url: url(path) });

    it('accepts the delivery as signed: 200', async () => {
      expect(await call(port, 'POST', '/sq/acme-eu?region=eu2', { 'content-type': 'application/json', ...signed('/sq/acme-eu?region=eu2') }, BODY)).toBe(200);
      expect(t.calls.names).toEqual([JSON.stringify({ square: 'acme-eu', query: { region: 'eu2' } })]);
    });

    it.each(['text/plain', 'application/octet-stream'])('refuses the tail of the signed URL moved into a %s body, never running the handler', async (type) => {
      const headers = { 'content-type': type, ...signed('/sq/acme-eu?region=eu2') };
      const moved = [
        ['/sq/acme-eu?region=eu', `2${BODY}`],
        ['/sq/acme-eu?region=', `eu2${BODY}`],
        ['/sq/acme-eu', `?region=eu2${BODY}`],
      ] as const;
      const statuses = [];
      for (const [path, body] of moved) statuses.push([path, await call(port, 'POST', path, headers, body)]);
      expect(statuses).toEqual(moved.map(([path]) => [path, refused()]));
      expect(t.calls.names).toEqual([]);
    });
  });

  describe('HubSpot', () => {
    const body = '[{"eventId":1,"subscriptionType":"contact.creation","portalId":62515}]';
    const post = (path: string, signedPath = path, type = 'application/json', sent = body) =>
      call(port, 'POST', path, { 'content-type': type, ...signWebhook('hubspot', { secret: HUBSPOT_SECRET, body, url: url(signedPath) }) }, sent);

    it('accepts the URLs as signed: 200', async () => {
      expect(await post('/hs/acme?portal=1')).toBe(200);
      expect(await post('/hs/acme/eu')).toBe(200);
      expect(await post('/hs/acme?next=a%2Fb%3Fc')).toBe(200);
      expect(t.calls.names).toEqual([
        JSON.stringify({ hubspot: 'acme', query: { portal: '1' } }),
        JSON.stringify({ hubspot: 'acme', region: 'eu' }),
        JSON.stringify({ hubspot: 'acme', query: { next: 'a/b?c' } }),
      ]);
    });

    it('rejects a signed query moved into the path as %3F: 401', async () => {
      expect(await post('/hs/acme%3Fportal=1', '/hs/acme?portal=1')).toBe(401);
      expect(t.calls.names).toEqual([]);
    });

    it('rejects a signed path segment joined to the one before it as %2F: 401', async () => {
      expect(await post('/hs/acme%2Feu', '/hs/acme/eu')).toBe(401);
      expect(t.calls.names).toEqual([]);
    });

    it.each(['text/plain', 'application/octet-stream'])('refuses the tail of the signed URL moved into a %s body', async (type) => {
      expect(await post('/hs/acme?region=eu', '/hs/acme?region=eu2', type, `2${body}`)).toBe(refused());
      expect(t.calls.names).toEqual([]);
    });

    const card = '/hs/card?userId=1&portalId=62515&associatedObjectType=CONTACT';

    it('verifies a CRM card data fetch, a GET with no body: 200', async () => {
      expect(await call(port, 'GET', card, hubspotHeaders('GET', url(card), ''))).toBe(200);
      expect(t.calls.names).toEqual(['card:62515']);
    });

    it('refuses a signed POST re-sent with no body, its JSON moved as is to the end of the URL', async () => {
      const signed = hubspotHeaders('POST', url(card), body);
      expect(await call(port, 'POST', card, { 'content-type': 'application/json', ...signed }, body)).toBe(200);
      // Node takes the JSON as is in the request target, so the signature matches: the empty body of a POST is what is refused.
      expect(await call(port, 'POST', `${card}${body}`, signed)).toBe(401);
      expect(t.calls.names).toEqual(['post:62515']);
    });
  });

  describe('a described scheme with escapes that delimit nothing the app reads', () => {
    const body = '{"event":"order.paid"}';
    const post = (path: string) =>
      call(port, 'POST', path, { 'content-type': 'application/json', 'x-partner-signature': partnerSignature(url(path), body) }, body);

    it('accepts a URL with none of them as signed: 200', async () => {
      expect(await post('/pq/acme?next=a%2Fb%3Ac')).toBe(200);
      expect(t.calls.names).toEqual([JSON.stringify({ partner: 'acme', query: { next: 'a/b:c' } })]);
    });

    it('accepts a query with those it lists, as the sender signs it, and the handler reads them as sent', async () => {
      expect(await post('/pq/acme?next=a%2Fb%3Ac&x=%26')).toBe(200);
      expect(t.calls.names).toEqual([JSON.stringify({ partner: 'acme', query: { next: 'a/b:c', x: '&' } })]);
    });
  });
});
