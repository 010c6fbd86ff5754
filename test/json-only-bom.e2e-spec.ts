import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { ADAPTERS, createApp, type TestApp } from './app/create-app.js';
import { send } from './support/raw-http.js';

/*
 * Square and HubSpot send only JSON, and their providers refuse any other
 * body. A JSON body that starts with blanks or UTF-8's byte order mark is
 * still JSON: Express and Fastify parse it for the handler, as they do for
 * any other provider, so it must verify when its signature does.
 */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

@Controller('json-only')
class JsonOnlyController {
  @Post('square')
  @HttpCode(200)
  @VerifiedWebhook('square')
  square(@Body() body: unknown) {
    return body;
  }

  @Post('hubspot')
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  hubspot(@Body() body: unknown) {
    return body;
  }
}

describe.each(ADAPTERS)('A signed JSON body with a byte order mark or leading blanks, for a JSON-only provider (%s)', (adapter) => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: { square: { secret: 'square-key' }, hubspot: { secret: 'hubspot-secret' } } }), {
      adapter,
      controllers: [JsonOnlyController],
    });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(() => t.app.close());

  it.each([
    ['square', 'square-key', '{"event_id":"evt-1","type":"payment.updated"}'],
    ['hubspot', 'hubspot-secret', '[{"eventId":1,"subscriptionType":"contact.creation"}]'],
  ] as const)('%s: reaches the handler, parsed, with either', async (provider, secret, json) => {
    const path = `/json-only/${provider}`;
    const statuses = [];
    for (const body of [Buffer.from(` \r\n${json}`), Buffer.concat([BOM, Buffer.from(json)])]) {
      const headers = signWebhook(provider, { secret, body, url: `http://127.0.0.1:${port}${path}` });
      const response = await send(port, path, { 'content-type': 'application/json', ...headers }, body);
      statuses.push([response.status, response.body]);
    }
    expect(statuses).toEqual([
      [200, json],
      [200, json],
    ]);
  });
});
