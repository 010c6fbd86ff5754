import { Body, Controller, HttpCode, Injectable, Post, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { OnWebhookEvent, VerifiedWebhook, WebhookSecurityModule } from '../src/index.js';
import { signWebhook } from '../src/testing/index.js';
import { createApp, type TestApp } from './app/create-app.js';

const SECRET = 'whsec_review_dispatch';
const seen: { events: unknown[]; bodies: unknown[] } = { events: [], bodies: [] };

@Controller('webhooks')
class StripeRoutes {
  @Post('stripe')
  @VerifiedWebhook('stripe', { dispatch: true })
  stripe() {}

  /** A plain route whose path starts with the dispatching one's. */
  @Post('stripe-connect')
  @HttpCode(200)
  @VerifiedWebhook('stripe')
  connect(@Body() body: unknown) {
    seen.bodies.push(body);
  }
}

@Injectable()
class Handlers {
  @OnWebhookEvent('stripe', 'invoice.paid')
  paid(event: unknown) {
    seen.events.push(event);
  }
}

/** The predicates docs/events.md names the dispatching paths with: exactly, and (before) by prefix. */
const EXACT = (url = '') => new Set(['/webhooks/stripe']).has(url.split('?', 1)[0]!);
const PREFIX = (url = '') => url.startsWith('/webhooks/stripe');

const skipping = (dispatchOnly: (url?: string) => boolean) => (app: INestApplication) =>
  (app as NestExpressApplication).useBodyParser('json', {
    type: (req: IncomingMessage) => !dispatchOnly(req.url) && /^application\/json\b/i.test(req.headers['content-type'] ?? ''),
  });

describe.each([
  ['exactly', EXACT, { id: 'evt_connect' }],
  ['by prefix', PREFIX, undefined],
])('The JSON parser skipping the dispatching paths named %s (express)', (_name, dispatchOnly, connectBody) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createApp(WebhookSecurityModule.forRoot({ providers: { stripe: { secret: SECRET } } }), {
      controllers: [StripeRoutes],
      providers: [Handlers],
      beforeInit: skipping(dispatchOnly),
    });
  });
  afterAll(() => t.app.close());
  beforeEach(() => {
    seen.events.length = 0;
    seen.bodies.length = 0;
  });
  const post = (path: string, event: object) => {
    const { body, headers } = signWebhook('stripe', { secret: SECRET, event });
    return request(t.app.getHttpServer()).post(path).set('content-type', 'application/json').set(headers).send(body);
  };

  it.each(['/webhooks/stripe', '/Webhooks/Stripe', '/webhooks/stripe/', '/webhooks/stripe?x=1'])('dispatches a delivery to %s', async (path) => {
    const event = { id: 'evt_d', type: 'invoice.paid', data: { object: { id: 'in_d' } } };
    await post(path, event).expect(200);
    expect(seen.events).toEqual([event]);
  });

  it('hands the plain route under the same prefix its body only when its path is not skipped', async () => {
    await post('/webhooks/stripe-connect', { id: 'evt_connect' }).expect(200);
    expect(seen.bodies).toEqual([connectBody]);
  });
});
