import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { Calls } from './app/calls-app.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { HUBSPOT_SECRET, call, hubspotHeaders } from './support/hubspot-requests.js';

/*
 * HubSpot signs the method with the URL, the body and the timestamp, and its
 * CRM card fetches are GETs with no body. A captured signature re-sent with
 * another method, with a body added, or with the tail of its URL moved into
 * a body must not reach a handler. A GET's URL that ends in a JSON array or
 * object (`?ids=[1,2]`, which Node takes as is in the request target) signs
 * alike with that JSON as its body instead (`?ids=` and `[1,2]`).
 */
@Controller()
class CardController {
  constructor(private readonly calls: Calls) {}

  @Get('hs/card')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  card(@Query() query: Record<string, string>) {
    this.calls.names.push(JSON.stringify({ get: query }));
  }

  @Post('hs/card')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  posted(@Query() query: Record<string, string>) {
    this.calls.names.push(JSON.stringify({ post: query }));
  }
}

describe.each(ADAPTERS)('HubSpot signatures re-sent with another method or body (%s)', (adapter) => {
  let t: TestApp & { calls: Calls };
  let port: number;

  beforeAll(async () => {
    const app = await createApp(WebhookSecurityModule.forRoot({ providers: { hubspot: { secret: HUBSPOT_SECRET } } }), {
      adapter,
      controllers: [CardController],
      providers: [Calls],
    });
    await app.app.listen(0, '127.0.0.1');
    port = (app.app.getHttpServer().address() as { port: number }).port;
    t = { ...app, calls: app.app.get(Calls) };
  });
  afterAll(() => t.app.close());
  beforeEach(() => t.calls.names.splice(0));

  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  const card = '/hs/card?userId=1&portalId=62515';

  it('verifies the GET as signed: 200', async () => {
    expect(await call(port, 'GET', card, hubspotHeaders('GET', url(card), ''))).toBe(200);
    expect(t.calls.names).toEqual([JSON.stringify({ get: { userId: '1', portalId: '62515' } })]);
  });

  it('refuses a signed GET re-sent as HEAD, as POST without a body, or with a body added', async () => {
    const signed = hubspotHeaders('GET', url(card), '');
    const statuses = [
      await call(port, 'HEAD', card, signed),
      await call(port, 'POST', card, signed),
      await call(port, 'POST', card, { ...signed, 'content-type': 'application/json' }, '{}'),
      await call(port, 'GET', card, { ...signed, 'content-type': 'application/json' }, '{}'),
      await call(port, 'POST', card, { ...signed, 'x-http-method-override': 'GET' }),
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(t.calls.names).toEqual([]);
  });

  it('refuses a signed POST re-sent as a GET with its body, or with a method override header', async () => {
    const body = '[{"eventId":1}]';
    const signed = { 'content-type': 'application/json', ...hubspotHeaders('POST', url(card), body) };
    const statuses = [await call(port, 'GET', card, signed, body), await call(port, 'GET', card, { ...signed, 'x-http-method-override': 'POST' }, body)];
    expect(statuses).toEqual([401, 401]);
    expect(t.calls.names).toEqual([]);
  });

  it('refuses a signed GET whose URL ends in 0s, re-sent with them moved to the front of the timestamp', async () => {
    const signedPath = '/hs/card?userId=1&portalId=62500';
    const signed = hubspotHeaders('GET', url(signedPath), '');
    const statuses = [];
    for (const zeros of ['0', '00']) {
      const timestamp = `${zeros}${signed['x-hubspot-request-timestamp']!}`;
      // GET + URL + no body + timestamp: the same signed text, and the timestamp the same number.
      const path = signedPath.slice(0, -zeros.length);
      statuses.push(await call(port, 'GET', path, { ...signed, 'x-hubspot-request-timestamp': timestamp }));
    }
    expect(statuses).toEqual([401, 401]);
    expect(t.calls.names).toEqual([]);
  });

  it('refuses a signed GET re-sent with its timestamp or signature header repeated', async () => {
    const signedPath = '/hs/card?userId=1&portalId=62500';
    const signed = hubspotHeaders('GET', url(signedPath), '');
    const timestamp = signed['x-hubspot-request-timestamp']!;
    const signature = signed['x-hubspot-signature-v3']!;
    const statuses = [
      await call(port, 'GET', signedPath, { ...signed, 'x-hubspot-request-timestamp': [timestamp, timestamp] }),
      await call(port, 'GET', signedPath.slice(0, -1), { ...signed, 'x-hubspot-request-timestamp': [`0${timestamp}`, timestamp] }),
      await call(port, 'GET', signedPath.slice(0, -1), { ...signed, 'x-hubspot-request-timestamp': [timestamp, `0${timestamp}`] }),
      await call(port, 'GET', `${signedPath}&x=1`, { ...signed, 'x-hubspot-signature-v3': [signature, signature] }),
    ];
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(t.calls.names).toEqual([]);
  });

  it.each([
    ['&ids=[1,2]', '[1,2]'],
    ['&filter={}', '{}'],
  ])('refuses a signed GET whose URL ends in JSON (%s), re-sent with that JSON moved into a body', async (tail, json) => {
    const signedPath = `${card}${tail}`;
    const signed = hubspotHeaders('GET', url(signedPath), '');
    expect(await call(port, 'GET', signedPath, signed)).toBe(200);
    const movedPath = signedPath.slice(0, -json.length);
    const statuses = [
      await call(port, 'GET', movedPath, { ...signed, 'content-type': 'application/json' }, json),
      await call(port, 'GET', movedPath, signed, json),
    ];
    expect(statuses).toEqual([401, 401]);
    // Only the GET as signed ran the handler; the copy would have read the query without its JSON.
    expect(t.calls.names).toHaveLength(1);
    expect(JSON.parse(t.calls.names[0]!).get).toMatchObject({ portalId: '62515' });
  });
});
