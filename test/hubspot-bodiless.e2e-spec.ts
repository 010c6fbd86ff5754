import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { Calls } from './app/calls-app.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';

/*
 * HubSpot signs its outgoing requests with v3 (webhooks, and CRM card data
 * fetches, a GET with no body): method + URI + body ('' when none) +
 * timestamp, as its docs compute it. A genuine request without a body must
 * verify; a signed POST re-sent without its body must not.
 */
const SECRET = 'hubspot-client-secret';

@Controller('hs-get')
class HubSpotCardController {
  constructor(private readonly calls: Calls) {}

  @Get('card')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  card(@Query('portalId') portalId: string) {
    this.calls.names.push(`card:${portalId}`);
  }

  @Post('card')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  posted(@Query('portalId') portalId: string) {
    this.calls.names.push(`post:${portalId}`);
  }
}

/** HubSpot's v3 signature, computed as its docs describe (none of the library's code). */
function hubspotHeaders(method: string, uri: string, body: string): Record<string, string> {
  const timestamp = String(Date.now());
  const signature = createHmac('sha256', SECRET).update(`${method}${uri}${body}${timestamp}`).digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
}

function call(port: number, method: string, path: string, headers: Record<string, string>, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(ADAPTERS)('A genuine HubSpot request without a body (%s)', (adapter) => {
  let t: TestApp & { calls: Calls };
  let port: number;

  beforeAll(async () => {
    const app = await createApp(WebhookSecurityModule.forRoot({ providers: { hubspot: { secret: SECRET } } }), {
      adapter,
      controllers: [HubSpotCardController],
      providers: [Calls],
    });
    await app.app.listen(0, '127.0.0.1');
    port = (app.app.getHttpServer().address() as { port: number }).port;
    t = { ...app, calls: app.app.get(Calls) };
  });
  afterAll(() => t.app.close());
  beforeEach(() => t.calls.names.splice(0));

  const path = '/hs-get/card?userId=1&portalId=62515&associatedObjectType=CONTACT';

  it('verifies a CRM card data fetch, a GET with no body: 200', async () => {
    const headers = hubspotHeaders('GET', `http://127.0.0.1:${port}${path}`, '');
    expect(await call(port, 'GET', path, headers)).toBe(200);
    expect(t.calls.names).toEqual(['card:62515']);
  });

  it('refuses a signed POST re-sent with no body, its JSON moved as is to the end of the URL', async () => {
    const body = '[{"eventId":1}]';
    const signed = hubspotHeaders('POST', `http://127.0.0.1:${port}${path}`, body);
    expect(await call(port, 'POST', path, { 'content-type': 'application/json', ...signed }, body)).toBe(200);
    const status = await call(port, 'POST', `${path}${body}`, signed);
    // Node takes the JSON as is in the request target, so the signature matches: the empty body of a POST is what is refused.
    expect(status).toBe(401);
    expect(t.calls.names).toEqual(['post:62515']);
  });
});
