import { Controller, Post } from '@nestjs/common';
import { VerifiedWebhook, WebhookEvent, WebhookSecurityModule, type VerifiedWebhookEvent } from '../../src/index.js';
import { createApp } from '../app/create-app.js';

@Controller('shopify')
class ShopifyParamController {
  @Post()
  @VerifiedWebhook('shopify')
  handle(@WebhookEvent() { eventType }: VerifiedWebhookEvent) {
    return { eventType };
  }
}

// `@WebhookEvent()` hands the route the same event type that dispatch routes
// by: from Shopify, the unsigned X-Shopify-Topic. Without replay protection a
// captured body can be re-sent under another topic, and startup says so, as
// it does for a dispatching route.
describe('A route that reads the event type of a provider whose type header is unsigned', () => {
  const warningsOf = async (replay: object | undefined) => {
    const module = WebhookSecurityModule.forRoot({ providers: { shopify: { scheme: 'shopify', secret: 'shpss_param', ...(replay && { replay }) } } });
    const t = await createApp(module, { controllers: [ShopifyParamController] });
    await t.app.close();
    return t.logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
  };

  it('warns at startup without replay protection, naming the header and the fix', async () => {
    expect(await warningsOf(undefined)).toEqual([
      expect.stringMatching(/^'shopify' routes events by x-shopify-topic or shopify-topic, which its signature does not cover: turn replay on for 'shopify'/),
    ]);
  });

  it('does not warn with replay protection on', async () => {
    expect(await warningsOf({})).toEqual([]);
  });
});
