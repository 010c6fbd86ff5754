import { Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { Calls } from './app/calls-app.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { send } from './support/raw-http.js';

/*
 * Square signs the notification URL followed by the raw body, HubSpot the
 * method, the URL, the raw body and the timestamp, with no separator; both
 * send only JSON. A signature re-sent with the split moved (the
 * URL's tail moved into the body) must not reach the handler under another
 * route param or query.
 */
const SECRET = 'square-signature-key';
const HUBSPOT_SECRET = 'hubspot-client-secret';
const BODY = '{"merchant_id":"ML1","type":"payment.updated","event_id":"evt-1","data":{"object":{"payment":{"id":"p1","tender_ids":["t1"]}}}}';

@Controller('sq')
class SquareController {
  constructor(private readonly calls: Calls) {}

  @Post(':tenant')
  @HttpCode(200)
  @VerifiedWebhook('square')
  square(@Param('tenant') tenant: string, @Query() query: Record<string, string>) {
    this.calls.names.push(JSON.stringify({ tenant, query }));
  }

  @Post('hubspot/:tenant')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  hubspot(@Param('tenant') tenant: string, @Query() query: Record<string, string>) {
    this.calls.names.push(JSON.stringify({ hubspot: tenant, query }));
  }
}

describe.each(ADAPTERS)('A Square signature re-sent with its URL/body split moved (%s)', (adapter) => {
  let t: TestApp & { calls: Calls };
  let port: number;

  beforeAll(async () => {
    const app = await createApp(WebhookSecurityModule.forRoot({ providers: { square: { secret: SECRET }, hubspot: { secret: HUBSPOT_SECRET } } }), {
      adapter,
      controllers: [SquareController],
      providers: [Calls],
    });
    await app.app.listen(0, '127.0.0.1');
    port = (app.app.getHttpServer().address() as { port: number }).port;
    t = { ...app, calls: app.app.get(Calls) };
  });
  afterAll(() => t.app.close());
  beforeEach(() => t.calls.names.splice(0));

  const signed = (path: string) => signWebhook('square', { secret: SECRET, body: BODY, url: `http://127.0.0.1:${port}${path}` });

  it('accepts the delivery as signed: 200', async () => {
    expect((await send(port, '/sq/acme-eu?region=eu2', { 'content-type': 'application/json', ...signed('/sq/acme-eu?region=eu2') }, BODY)).status).toBe(200);
    expect(t.calls.names).toEqual([JSON.stringify({ tenant: 'acme-eu', query: { region: 'eu2' } })]);
  });

  it.each(['text/plain', 'application/octet-stream'])('refuses the tail of the signed URL moved into a %s body, never running the handler', async (type) => {
    const headers = { 'content-type': type, ...signed('/sq/acme-eu?region=eu2') };
    const moved = [
      ['/sq/acme-eu?region=eu', `2${BODY}`],
      ['/sq/acme-eu?region=', `eu2${BODY}`],
      ['/sq/acme-eu', `?region=eu2${BODY}`],
    ] as const;
    // Express hands these bodies to the guard, which answers 401; Fastify has no raw body for them and answers 415 first.
    const refused = adapter === 'express' ? 401 : 415;
    const statuses = [];
    for (const [path, body] of moved) statuses.push([path, (await send(port, path, headers, body)).status]);
    expect(statuses).toEqual(moved.map(([path]) => [path, refused]));
    expect(t.calls.names).toEqual([]);
  });

  it.each(['text/plain', 'application/octet-stream'])('refuses a HubSpot signature re-sent with its URL tail moved into a %s body', async (type) => {
    const hubspot = (path: string) => signWebhook('hubspot', { secret: HUBSPOT_SECRET, body: BODY, url: `http://127.0.0.1:${port}${path}` });
    expect(
      (await send(port, '/sq/hubspot/acme?region=eu2', { 'content-type': 'application/json', ...hubspot('/sq/hubspot/acme?region=eu2') }, BODY)).status,
    ).toBe(200);
    const headers = { 'content-type': type, ...hubspot('/sq/hubspot/acme?region=eu2') };
    const refused = adapter === 'express' ? 401 : 415;
    expect((await send(port, '/sq/hubspot/acme?region=eu', headers, `2${BODY}`)).status).toBe(refused);
    expect(t.calls.names).toEqual([JSON.stringify({ hubspot: 'acme', query: { region: 'eu2' } })]);
  });
});
