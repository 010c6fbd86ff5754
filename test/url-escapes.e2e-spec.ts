import { Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { Calls } from './app/calls-app.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { send } from './support/raw-http.js';

/*
 * HubSpot signs its URI with some escapes decoded (`%3F` as `?`, `%2F` as `/`).
 * Decoded in the path, they would let a signed URL reach the app under another
 * path: the route and its params must be those the sender signed.
 */
const SECRET = 'hubspot-client-secret';

@Controller('hs')
class HubSpotController {
  constructor(private readonly calls: Calls) {}

  @Post(':tenant')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  tenant(@Param('tenant') tenant: string, @Query() query: Record<string, string>) {
    this.calls.names.push(JSON.stringify({ tenant, query }));
  }

  @Post(':tenant/:region')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  region(@Param('tenant') tenant: string, @Param('region') region: string) {
    this.calls.names.push(JSON.stringify({ tenant, region }));
  }
}

describe.each(ADAPTERS)('Escapes HubSpot decodes, in the path of a signed URL (%s)', (adapter) => {
  let t: TestApp & { calls: Calls };
  let port: number;

  beforeAll(async () => {
    const app = await createApp(WebhookSecurityModule.forRoot({ providers: { hubspot: { secret: SECRET } } }), {
      adapter,
      controllers: [HubSpotController],
      providers: [Calls],
    });
    await app.app.listen(0, '127.0.0.1');
    port = (app.app.getHttpServer().address() as { port: number }).port;
    t = { ...app, calls: app.app.get(Calls) };
  });
  afterAll(() => t.app.close());
  beforeEach(() => t.calls.names.splice(0));

  const body = '[{"eventId":1,"subscriptionType":"contact.creation","portalId":62515}]';
  const post = (path: string, signedPath = path) =>
    send(
      port,
      path,
      { 'content-type': 'application/json', ...signWebhook('hubspot', { secret: SECRET, body, url: `http://127.0.0.1:${port}${signedPath}` }) },
      body,
    );

  it('accepts the URLs as signed: 200', async () => {
    expect((await post('/hs/acme?portal=1')).status).toBe(200);
    expect((await post('/hs/acme/eu')).status).toBe(200);
    expect((await post('/hs/acme?next=a%2Fb%3Fc')).status).toBe(200);
    expect(t.calls.names).toEqual([
      JSON.stringify({ tenant: 'acme', query: { portal: '1' } }),
      JSON.stringify({ tenant: 'acme', region: 'eu' }),
      JSON.stringify({ tenant: 'acme', query: { next: 'a/b?c' } }),
    ]);
  });

  it('rejects a signed query moved into the path as %3F: 401', async () => {
    expect((await post('/hs/acme%3Fportal=1', '/hs/acme?portal=1')).status).toBe(401);
    expect(t.calls.names).toEqual([]);
  });

  it('rejects a signed path segment joined to the one before it as %2F: 401', async () => {
    expect((await post('/hs/acme%2Feu', '/hs/acme/eu')).status).toBe(401);
    expect(t.calls.names).toEqual([]);
  });
});
