import { Controller, Module, Post, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import request from 'supertest';
import { OnWebhookEvent, VerifiedWebhook, WebhookEvent, WebhookSecurityModule, type VerifiedWebhookEvent } from '../../src/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { createApp, type TestApp } from '../app/create-app.js';

const SECRET = 'whsec_body_middleware';

/** What the handlers were given. */
const seen: { onEvent: unknown[]; param: unknown[] } = { onEvent: [], param: [] };

@Controller('mw')
class MiddlewareController {
  @Post('stripe')
  @VerifiedWebhook('stripe', { dispatch: true })
  stripe(@WebhookEvent() verified: VerifiedWebhookEvent) {
    seen.param.push(verified.event);
  }
}

class StripeHandlers {
  @OnWebhookEvent('stripe', 'invoice.paid')
  paid(event: unknown) {
    seen.onEvent.push(event);
  }
}

/**
 * An app middleware that lets clients give defaults in the query string: it
 * copies query parameters into the parsed body where the body has none.
 */
@Module({ controllers: [MiddlewareController], providers: [StripeHandlers] })
class QueryDefaultsModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer
      .apply((req: { body?: unknown; query: Record<string, unknown> }, _res: unknown, next: () => void) => {
        if (req.body && typeof req.body === 'object') {
          for (const [key, value] of Object.entries(req.query)) if (!(key in req.body)) (req.body as Record<string, unknown>)[key] = value;
        }
        next();
      })
      .forRoutes('*path');
  }
}

describe('What the handlers get is what was signed, whatever a middleware did to the parsed body (express)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: { stripe: { scheme: 'stripe', secret: SECRET } } }), {
      controllers: [],
      imports: [QueryDefaultsModule],
    });
  });
  afterAll(() => t.app.close());

  it('gives @OnWebhookEvent and @WebhookEvent() no field that the signed bytes do not hold', async () => {
    const event = { id: 'evt_mw_1', type: 'invoice.paid', data: { object: { id: 'in_1' } } };
    const { body, headers } = signWebhook('stripe', { secret: SECRET, event });
    await request(t.app.getHttpServer())
      .post('/mw/stripe?account=acct_attacker&livemode=true')
      .set('content-type', 'application/json')
      .set(headers)
      .send(body)
      .expect(200);
    const signed = JSON.parse(body) as unknown;
    expect(seen.onEvent).toEqual([signed]);
    expect(seen.param).toEqual([signed]);
  });
});
