// The scenario every consumer app runs, against the installed tarball.
// run.sh copies it into each app's test/ folder next to the app's platform.ts.
import { Body, Controller, HttpCode, Injectable, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { OnWebhookEvent, VerifiedWebhook, WebhookSecurityModule } from 'nestjs-webhook-security';
import { signWebhook } from 'nestjs-webhook-security/testing';
import request from 'supertest';
import { createApp } from './platform.js';

const FULLUP_SECRET = 'fullup-compat-secret';
const SIGNALWIRE_SECRET = 'PSK_compat_signing_key';
const STRIPE_SECRET = 'whsec_compat_stripe_secret';
const BODY = JSON.stringify({ id: 'evt_1', data: { name: 'Zoë', emoji: '🎉' } });

const deliveries: { provider: string; body: unknown }[] = [];

@Controller('webhooks')
class WebhooksController {
  @Post('fullup')
  @HttpCode(200)
  @VerifiedWebhook('fullup')
  fullup(@Body() body: unknown) {
    deliveries.push({ provider: 'fullup', body });
    return { received: true };
  }

  @Post('stripe')
  @HttpCode(200)
  @VerifiedWebhook('stripe')
  stripe(@Body() body: unknown) {
    deliveries.push({ provider: 'stripe', body });
    return { received: true };
  }

  /** Dispatches each Stripe event to its `@OnWebhookEvent` handlers, then answers with its own arguments. */
  @Post('stripe-events/:account')
  @VerifiedWebhook('stripe', { dispatch: true })
  stripeEvents(@Param('account') account: string, @Body() body: { type: string }) {
    return { account, type: body.type };
  }

  @Post('signalwire')
  @HttpCode(200)
  @VerifiedWebhook('signalwire')
  signalwire(@Body() body: unknown) {
    deliveries.push({ provider: 'signalwire', body });
    return { received: true };
  }
}

@Injectable()
class StripeEvents {
  @OnWebhookEvent('stripe', 'invoice.paid')
  invoicePaid(event: { id: string }) {
    deliveries.push({ provider: 'stripe:invoice.paid', body: event });
  }
}

@Module({
  imports: [
    WebhookSecurityModule.forRoot({
      providers: {
        fullup: { secret: FULLUP_SECRET },
        stripe: { secret: STRIPE_SECRET },
        signalwire: { secret: SIGNALWIRE_SECRET },
      },
    }),
  ],
  controllers: [WebhooksController],
  providers: [StripeEvents],
})
class AppModule {}

describe('nestjs-webhook-security, installed from its tarball', () => {
  let app: INestApplication;
  afterEach(() => app.close());
  beforeEach(() => {
    deliveries.length = 0;
  });

  const postFullup = (body: string, headers: Record<string, string>) =>
    request(app.getHttpServer()).post('/webhooks/fullup').set('content-type', 'application/json').set(headers).send(body);

  describe('with { rawBody: true }', () => {
    beforeEach(async () => {
      app = await createApp(AppModule, { rawBody: true });
      await app.listen(0, '127.0.0.1');
    });

    it('runs the handler for a valid signature', async () => {
      await postFullup(BODY, signWebhook('fullup', { secret: FULLUP_SECRET, body: BODY })).expect(200, { received: true });
      expect(deliveries).toEqual([{ provider: 'fullup', body: JSON.parse(BODY) }]);
    });

    it('answers 401 to a forged or tampered request and never runs the handler', async () => {
      const unauthorized = { statusCode: 401, message: 'Invalid webhook signature', error: 'Unauthorized' };
      await postFullup(BODY, signWebhook('fullup', { secret: 'forged-secret', body: BODY })).expect(401, unauthorized);
      await postFullup(BODY.replace('Zoë', 'Zoe'), signWebhook('fullup', { secret: FULLUP_SECRET, body: BODY })).expect(401, unauthorized);
      await postFullup(BODY, {}).expect(401, unauthorized);
      expect(deliveries).toEqual([]);
    });

    it('runs the handler for a signed Stripe delivery and answers 401 to a forged one', async () => {
      const event = { id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { amount: 2000 } } };
      const body = JSON.stringify(event);
      const postStripe = (headers: Record<string, string>) =>
        request(app.getHttpServer()).post('/webhooks/stripe').set('content-type', 'application/json').set(headers).send(body);
      await postStripe(signWebhook('stripe', { secret: STRIPE_SECRET, body })).expect(200, { received: true });
      await postStripe(signWebhook('stripe', { secret: 'whsec_forged', body })).expect(401);
      expect(deliveries).toEqual([{ provider: 'stripe', body: event }]);
    });

    it('routes a signed Stripe event to its @OnWebhookEvent handler, and a forged one to none', async () => {
      const event = { id: 'evt_2', object: 'event', type: 'invoice.paid', data: { object: {} } };
      const body = JSON.stringify(event);
      const post = (headers: Record<string, string>) =>
        request(app.getHttpServer()).post('/webhooks/stripe-events/acct_1').set('content-type', 'application/json').set(headers).send(body);
      await post(signWebhook('stripe', { secret: STRIPE_SECRET, body })).expect(200, { account: 'acct_1', type: 'invoice.paid' });
      await post(signWebhook('stripe', { secret: 'whsec_forged', body })).expect(401);
      expect(deliveries).toEqual([{ provider: 'stripe:invoice.paid', body: event }]);
    });

    it('verifies a SignalWire form post against the URL rebuilt from the request', async () => {
      const { port } = app.getHttpServer().address() as { port: number };
      const path = '/webhooks/signalwire?tenant=acme';
      const body = new URLSearchParams({ CallSid: 'CA123', Body: 'hello & more' }).toString();
      const sign = (url: string) => signWebhook('signalwire', { secret: SIGNALWIRE_SECRET, body, url, format: 'form' });
      const post = (headers: Record<string, string>) =>
        request(app.getHttpServer()).post(path).set('content-type', 'application/x-www-form-urlencoded').set(headers).send(body);
      await post(sign(`http://127.0.0.1:${port}${path}`)).expect(200);
      await post(sign(`http://127.0.0.1:${port}/webhooks/signalwire?tenant=other`)).expect(401);
      expect(deliveries).toEqual([{ provider: 'signalwire', body: { CallSid: 'CA123', Body: 'hello & more' } }]);
    });
  });

  describe('without { rawBody: true }', () => {
    beforeEach(async () => {
      app = await createApp(AppModule, { rawBody: false });
    });

    it('answers 500 and never runs the handler, even for a valid signature', async () => {
      const response = await postFullup(BODY, signWebhook('fullup', { secret: FULLUP_SECRET, body: BODY })).expect(500);
      expect(response.body.message).toContain('{ rawBody: true }');
      expect(deliveries).toEqual([]);
    });
  });
});
