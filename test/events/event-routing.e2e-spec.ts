import { createHmac, randomUUID } from 'node:crypto';
import { Signature } from '@hubspot/api-client';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import {
  Body,
  Controller,
  Headers,
  HttpCode,
  Injectable,
  Module,
  Param,
  Post,
  Put,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
} from '@nestjs/common';
import request from 'supertest';
import {
  MemoryReplayStore,
  VerifiedWebhook,
  WebhookEvent,
  WebhookSecurityModule,
  type VerifiedWebhookEvent,
  type WebhookSecurityModuleOptions,
} from '../../src/index.js';
import { replayKey } from '../../src/replay/webhook-delivery.js';
import { ADAPTERS } from '../app/create-app.js';
import {
  AuditModule,
  BillingModule,
  EVENT_SECRETS,
  IntegrationsModule,
  createEventsApp,
  eventProviders,
  type EventProvider,
  type EventsTestApp,
} from './events-app.js';

/**
 * Headers made by each vendor's own SDK (stripe, @octokit/webhooks-methods,
 * standardwebhooks), or with node:crypto as its docs describe where it ships
 * none (Shopify, Slack); never by this library. Plus the unsigned event
 * header of the vendors that send one.
 */
const SENDERS: Record<EventProvider, (body: string, type?: string) => Promise<Record<string, string>> | Record<string, string>> = {
  stripe: (payload) => ({ 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: EVENT_SECRETS.stripe }) }),
  stripeConnect: (payload) => ({ 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: EVENT_SECRETS.stripeConnect }) }),
  github: async (body, type) => ({ 'x-hub-signature-256': await octokitSign(EVENT_SECRETS.github, body), 'x-github-event': type ?? '' }),
  // https://shopify.dev/docs/apps/build/webhooks/subscribe/https: base64 HMAC-SHA256 of the raw body.
  shopify: (body, type) => ({
    'x-shopify-hmac-sha256': createHmac('sha256', EVENT_SECRETS.shopify).update(body).digest('base64'),
    'x-shopify-topic': type ?? '',
  }),
  // https://api.slack.com/authentication/verifying-requests-from-slack: v0= hex HMAC-SHA256 of v0:timestamp:body.
  slack: (body) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return {
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': `v0=${createHmac('sha256', EVENT_SECRETS.slack).update(`v0:${timestamp}:${body}`).digest('hex')}`,
    };
  },
  standardwebhooks: (body) => {
    const [id, timestamp] = [`msg_${randomUUID()}`, new Date()];
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(EVENT_SECRETS.standardwebhooks).sign(id, timestamp, body),
    };
  },
};

const ROUTES: Record<EventProvider, string> = {
  stripe: '/events/stripe',
  stripeConnect: '/events/stripe-connect',
  github: '/events/github',
  shopify: '/events/shopify',
  slack: '/events/slack',
  standardwebhooks: '/events/standardwebhooks',
};

/** Dispatch on the controller and on the method: the handlers still run once. */
@Controller('both-levels')
@VerifiedWebhook('stripe', { dispatch: true })
class BothLevelsController {
  @Post()
  @VerifiedWebhook('stripe', { dispatch: true })
  handle() {}
}

/** Dispatch on a controller and on the controller it extends: the inherited route gets a dispatching parameter from each, and the handlers still run once. */
@VerifiedWebhook('stripe', { dispatch: true })
class DispatchingBaseController {
  @Post()
  handle() {}
}

@Controller('both-classes')
@VerifiedWebhook('stripe', { dispatch: true })
class BothClassesController extends DispatchingBaseController {}

/** Routes that read their own arguments beside the dispatch: each gets what it names, in its place. */
@Controller('own-arguments')
class OwnArgumentsController {
  @Post(':tenant')
  @VerifiedWebhook('stripe', { dispatch: true })
  method(@Param('tenant') tenant: string, @Headers('content-type') contentType: string, @WebhookEvent() verified: VerifiedWebhookEvent) {
    return { tenant, contentType, eventType: verified.eventType };
  }
}

@Controller('class-arguments')
@VerifiedWebhook('stripe', { dispatch: true })
class ClassArgumentsController {
  @Post(':tenant')
  handle(@Body() body: { type: string }, @Param('tenant') tenant: string) {
    return { tenant, type: body.type };
  }
}

/** Routes declared on a base class, dispatching through the decorator on the controller that extends it. */
class BaseWebhooksController {
  @Post('stripe')
  stripe(@Body() body: { type: string }) {
    return { type: body.type };
  }
}

@Controller('inherited')
@VerifiedWebhook('stripe', { dispatch: true })
class InheritedRoutesController extends BaseWebhooksController {}

/** The route's own @HttpCode wins, above or below the decorator. */
@Controller('own-status')
class OwnStatusController {
  @Post('above')
  @HttpCode(202)
  @VerifiedWebhook('stripe', { dispatch: true })
  above() {}

  @Post('below')
  @VerifiedWebhook('stripe', { dispatch: true })
  @HttpCode(204)
  below() {}
}

/** Leaves an empty object as the body of a request no parser took, as Express 4's body-parser does. */
@Injectable()
class EmptyBodyDefault implements NestMiddleware {
  use(request: { body?: unknown }, _response: unknown, next: () => void) {
    request.body ??= {};
    next();
  }
}

@Module({})
class EmptyBodyDefaultModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(EmptyBodyDefault).forRoutes('*path');
  }
}

let n = 0;
const stripeEvent = (type: string, object: Record<string, unknown> = {}) => ({ id: `evt_${process.pid}_${n++}`, object: 'event', type, data: { object } });

describe.each(ADAPTERS)('Event routing on %s', (adapter) => {
  let t: EventsTestApp;
  afterEach(() => t?.app.close());

  const start = async (options: Partial<WebhookSecurityModuleOptions> = {}) => {
    t = await createEventsApp(WebhookSecurityModule.forRoot({ providers: eventProviders(), ...options }), adapter);
    return t;
  };
  /** Sends `event` as JSON to `path`, signed for `provider` by its vendor's SDK, with the same headers on a repeat. */
  const send = async (provider: EventProvider, event: object, type?: string, path = ROUTES[provider]) => {
    const body = JSON.stringify(event);
    const headers = await SENDERS[provider](body, type);
    return request(t.app.getHttpServer()).post(path).set('content-type', 'application/json').set(headers).send(body);
  };
  const debugLines = () => t.logger.lines.filter((line) => line.level === 'debug').map((line) => line.message);
  const errorLines = () => t.logger.lines.filter((line) => line.level === 'error').map((line) => line.message);

  describe('Stripe', () => {
    it('runs every handler of the type, across modules and on the controller, in sequence, each awaited, then answers 200', async () => {
      await start();
      const event = stripeEvent('invoice.paid', { delayMs: 20 });
      const response = await send('stripe', event);
      expect(response.status).toBe(200);
      expect(response.text).toBe('');
      expect(t.log.handlers).toEqual(['billing.invoicePaid', 'billing.invoiceAny', 'audit.everyStripeEvent', 'controller.controllerHandler']);
      // The second handler starts only once the first, which waits, has finished.
      expect(t.log.steps).toEqual(['invoicePaid:start', 'invoicePaid:end', 'invoiceAny', 'audit', 'controller']);
      for (const call of t.log.calls) expect(call.event).toEqual(event);
    });

    it('gives each handler the parsed event and the context: provider, event type, delivery id and headers', async () => {
      await start();
      const event = stripeEvent('invoice.payment_failed');
      expect((await send('stripe', event)).status).toBe(200);
      expect(t.log.handlers).toEqual(['billing.invoiceAny', 'audit.everyStripeEvent']);
      const [call] = t.log.calls;
      expect(call!.event).toEqual(event);
      expect(call!.context).toEqual({
        provider: 'stripe',
        eventType: 'invoice.payment_failed',
        deliveryId: `event:${event.id}`,
        headers: expect.objectContaining({ 'stripe-signature': expect.stringMatching(/^t=\d+,v1=/) }),
      });
      expect(Object.isFrozen(call!.context)).toBe(true);
      // Own enumerable properties, as a plain object's: a spread or a log line keeps the delivery id.
      expect(Object.keys(call!.context)).toEqual(['provider', 'eventType', 'deliveryId', 'headers']);
      expect({ ...call!.context }.deliveryId).toBe(`event:${event.id}`);
      // A plain object: Nest's logger takes one after the message as structured params, fields and all,
      // where an instance of a class is printed as a message of its own, its delivery id a [Getter].
      expect(Object.getPrototypeOf(call!.context)).toBe(Object.prototype);
    });

    it('sends a type that only a wildcard handler takes to that handler alone', async () => {
      await start();
      expect((await send('stripe', stripeEvent('customer.created'))).status).toBe(200);
      expect(t.log.handlers).toEqual(['audit.everyStripeEvent']);
    });

    it('answers 500 when a handler throws, runs none after it, logs the handler, and runs them all on the retry', async () => {
      await start();
      const event = stripeEvent('invoice.paid', { failOnce: true });
      const body = JSON.stringify(event);
      const headers = await SENDERS.stripe(body);
      const deliver = () => request(t.app.getHttpServer()).post(ROUTES.stripe).set('content-type', 'application/json').set(headers).send(body);

      const failed = await deliver().expect(500);
      expect(failed.body).toEqual({ statusCode: 500, message: 'Webhook event handler failed', error: 'Internal Server Error' });
      expect(t.log.steps).toEqual(['invoicePaid:start', 'invoicePaid:end', 'invoiceAny']);
      expect(t.log.handlers).toEqual(['billing.invoicePaid']);
      expect(errorLines()).toEqual([
        expect.stringMatching(/^BillingHandlers\.invoiceAny\(\) failed on "invoice\.paid" from 'stripe'.*invoiceAny failed on evt_/),
      ]);

      await deliver().expect(200);
      expect(t.log.handlers).toEqual([
        'billing.invoicePaid',
        'billing.invoicePaid',
        'billing.invoiceAny',
        'audit.everyStripeEvent',
        'controller.controllerHandler',
      ]);
    });

    it('with replay protection, releases the claim of a failed delivery: the retry runs the handlers, a later duplicate does not', async () => {
      await start({ replay: {} });
      const event = stripeEvent('invoice.payment_failed', { failOnce: true });
      const body = JSON.stringify(event);
      const headers = await SENDERS.stripe(body);
      const deliver = () => request(t.app.getHttpServer()).post(ROUTES.stripe).set('content-type', 'application/json').set(headers).send(body);

      await deliver().expect(500);
      expect(t.log.steps).toEqual(['invoiceAny']);
      await deliver().expect(200);
      expect(t.log.handlers).toEqual(['billing.invoiceAny', 'audit.everyStripeEvent']);
      await deliver().expect(200);
      expect(t.log.steps).toEqual(['invoiceAny', 'invoiceAny', 'audit']);
    });

    it('runs no handler for a request that fails verification', async () => {
      await start();
      const body = JSON.stringify(stripeEvent('invoice.paid'));
      const headers = await SENDERS.stripeConnect(body);
      await request(t.app.getHttpServer()).post(ROUTES.stripe).set('content-type', 'application/json').set(headers).send(body).expect(401);
      expect(t.log.calls).toEqual([]);
    });

    it('lets the route handler answer, after the event handlers, with the event from @WebhookEvent()', async () => {
      await start();
      const response = await send('stripe', stripeEvent('invoice.paid'), undefined, '/events/stripe-with-answer');
      expect([response.status, response.body]).toEqual([200, { received: 'invoice.paid', handled: 4 }]);
    });
  });

  describe('the route', () => {
    it('dispatches once when both the controller and the method ask for it', async () => {
      t = await createEventsApp(WebhookSecurityModule.forRoot({ providers: eventProviders() }), adapter, { controllers: [BothLevelsController] });
      expect((await send('stripe', stripeEvent('customer.created'), undefined, '/both-levels')).status).toBe(200);
      expect(t.log.handlers).toEqual(['audit.everyStripeEvent']);
    });

    it('dispatches once when both a controller and the controller it extends ask for it', async () => {
      t = await createEventsApp(WebhookSecurityModule.forRoot({ providers: eventProviders() }), adapter, { controllers: [BothClassesController] });
      expect((await send('stripe', stripeEvent('customer.created'), undefined, '/both-classes')).status).toBe(201);
      expect(t.log.handlers).toEqual(['audit.everyStripeEvent']);
    });

    it('parses the verified bytes once for the event type and the event, and again only for a delivery id read from the body', async () => {
      await start();
      const event = stripeEvent('invoice.payment_failed');
      const body = JSON.stringify(event);
      const parse = JSON.parse;
      let parses = 0;
      JSON.parse = function (this: JSON, text: string, reviver?: Parameters<typeof parse>[1]) {
        if (String(text) === body) parses++;
        return parse.call(this, text, reviver);
      } as typeof parse;
      const parsesOn = async (path: string) => {
        parses = 0;
        expect((await send('stripe', event, undefined, path)).ok).toBe(true);
        return parses;
      };
      try {
        const plain = await parsesOn('/events/stripe-plain');
        expect(await parsesOn(ROUTES.stripe)).toBe(plain + 1);
        expect(t.log.calls[0]!.event).toEqual(event);
        expect(t.log.calls[0]!.context.deliveryId).toBe(`event:${event.id}`);
        // This route reads the delivery id too, which a Stripe event holds in its JSON.
        expect(await parsesOn('/events/stripe-param')).toBe(plain + 2);
      } finally {
        JSON.parse = parse;
      }
    });

    it('never takes a signed form for the JSON event its fields spell', async () => {
      await start();
      const body = 'id=evt_form&object=event&type=invoice.paid';
      const response = await request(t.app.getHttpServer())
        .post(ROUTES.stripe)
        .set('content-type', 'application/x-www-form-urlencoded')
        .set(SENDERS.stripe(body) as Record<string, string>)
        .send(body);
      expect(response.status).toBe(200);
      expect(t.log.handlers).toEqual([]);
    });

    it("leaves the route's own arguments in place, on a method and on a controller that dispatch", async () => {
      t = await createEventsApp(WebhookSecurityModule.forRoot({ providers: eventProviders() }), adapter, {
        controllers: [OwnArgumentsController, ClassArgumentsController],
      });
      const onMethod = await send('stripe', stripeEvent('invoice.paid'), undefined, '/own-arguments/acme');
      expect(onMethod.status).toBe(200);
      expect(onMethod.body).toEqual({ tenant: 'acme', contentType: 'application/json', eventType: 'invoice.paid' });
      expect(t.log.handlers).toEqual(['billing.invoicePaid', 'billing.invoiceAny', 'audit.everyStripeEvent']);
      t.log.calls.length = 0;
      const onClass = await send('stripe', stripeEvent('invoice.paid'), undefined, '/class-arguments/globex');
      expect(onClass.status).toBe(201);
      expect(onClass.body).toEqual({ tenant: 'globex', type: 'invoice.paid' });
      expect(t.log.handlers).toEqual(['billing.invoicePaid', 'billing.invoiceAny', 'audit.everyStripeEvent']);
    });

    it('dispatches on routes a controller inherits, when the decorator is on the controller', async () => {
      t = await createEventsApp(WebhookSecurityModule.forRoot({ providers: eventProviders() }), adapter, { controllers: [InheritedRoutesController] });
      const response = await send('stripe', stripeEvent('invoice.paid'), undefined, '/inherited/stripe');
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ type: 'invoice.paid' });
      expect(t.log.handlers).toEqual(['billing.invoicePaid', 'billing.invoiceAny', 'audit.everyStripeEvent']);
    });

    it("answers with the route's own @HttpCode, wherever it sits", async () => {
      t = await createEventsApp(WebhookSecurityModule.forRoot({ providers: eventProviders() }), adapter, { controllers: [OwnStatusController] });
      expect((await send('stripe', stripeEvent('customer.created'), undefined, '/own-status/above')).status).toBe(202);
      expect((await send('stripe', stripeEvent('customer.created'), undefined, '/own-status/below')).status).toBe(204);
      expect(t.log.handlers).toEqual(['audit.everyStripeEvent', 'audit.everyStripeEvent']);
    });
  });

  describe('two accounts of one vendor', () => {
    it("routes each account's deliveries to its own handlers, verified with its own secret", async () => {
      await start();
      const event = stripeEvent('invoice.paid');
      expect((await send('stripeConnect', event)).status).toBe(200);
      expect(t.log.handlers).toEqual(['billing.connectInvoicePaid']);
      expect(t.log.calls[0]!.context.provider).toBe('stripeConnect');

      const body = JSON.stringify(event);
      const wrongAccount = await SENDERS.stripe(body);
      await request(t.app.getHttpServer()).post(ROUTES.stripeConnect).set('content-type', 'application/json').set(wrongAccount).send(body).expect(401);
      expect(t.log.handlers).toEqual(['billing.connectInvoicePaid']);
    });
  });

  describe('GitHub', () => {
    it('routes by X-GitHub-Event and the signed action, or by the event alone when the payload has no action', async () => {
      await start();
      const issue = { action: 'opened', issue: { number: 1 } };
      expect((await send('github', issue, 'issues')).status).toBe(200);
      const push = { ref: 'refs/heads/main', commits: [] };
      expect((await send('github', push, 'push')).status).toBe(200);
      expect(t.log.calls.map(({ handler, event, context }) => [handler, event, context.eventType])).toEqual([
        ['github.issueOpened', issue, 'issues.opened'],
        ['github.push', push, 'push'],
      ]);
    });

    it('warns at startup that X-GitHub-Event and X-Shopify-Topic are unsigned, unless replay protection is on', async () => {
      await start();
      const warnings = t.logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
      expect(warnings).toEqual([
        expect.stringMatching(/^'github' routes events by x-github-event, which its signature does not cover: turn replay on for 'github'/),
        expect.stringMatching(/^'shopify' routes events by x-shopify-topic or shopify-topic, which its signature does not cover/),
      ]);
      await t.app.close();
      await start({ replay: {} });
      expect(t.logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
    });

    it('routes a signed body re-sent under another X-GitHub-Event to that event; with replay protection, runs it once', async () => {
      const body = JSON.stringify({ action: 'opened', issue: { number: 7 } });
      const headers = await SENDERS.github(body, 'issues');
      const deliver = (event: string) =>
        request(t.app.getHttpServer())
          .post(ROUTES.github)
          .set('content-type', 'application/json')
          .set({ ...headers, 'x-github-event': event })
          .send(body);

      await start();
      await deliver('issues').expect(200);
      await deliver('pull_request').expect(200);
      expect(t.log.handlers).toEqual(['github.issueOpened', 'github.pullRequestOpened']);
      await t.app.close();

      await start({ replay: {} });
      await deliver('issues').expect(200);
      await deliver('pull_request').expect(200);
      expect(t.log.handlers).toEqual(['github.issueOpened']);
    });

    it('answers 200 to an action no handler takes, and logs it at debug level', async () => {
      await start();
      expect((await send('github', { action: 'closed', issue: { number: 1 } }, 'issues')).status).toBe(200);
      expect(t.log.calls).toEqual([]);
      expect(debugLines()).toEqual([`No @OnWebhookEvent handler for "issues.closed" from 'github'`]);
    });
  });

  describe('Shopify', () => {
    it('routes by X-Shopify-Topic', async () => {
      await start();
      const order = { id: 820982911946154500, email: 'jon@example.com' };
      expect((await send('shopify', order, 'orders/create')).status).toBe(200);
      expect(t.log.calls.map(({ handler, event, context }) => [handler, event, context.eventType])).toEqual([['shopify.orderCreated', order, 'orders/create']]);
    });
  });

  describe('Slack', () => {
    it("routes by the enveloped event's type and gives the handler the whole envelope", async () => {
      await start();
      const envelope = { type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: 'Ev1', event_time: 1, event: { type: 'app_mention', text: 'hi' } };
      expect((await send('slack', envelope)).status).toBe(200);
      expect(t.log.calls.map(({ handler, event, context }) => [handler, event, context.eventType])).toEqual([['slack.appMention', envelope, 'app_mention']]);
    });

    it('answers 200, handled by no one, to a request that names no event type', async () => {
      await start();
      expect((await send('slack', { type: 'event_callback', token: 't', team_id: 'T1' })).status).toBe(200);
      expect(t.log.calls).toEqual([]);
      expect(debugLines()).toEqual([`No @OnWebhookEvent handler for an event with no type from 'slack'`]);
    });

    it('answers url_verification with its challenge from the guard, before any handler', async () => {
      await start();
      const response = await send('slack', { type: 'url_verification', token: 't', challenge: 'c-123' });
      expect([response.status, response.text]).toEqual([200, 'c-123']);
      expect(t.log.calls).toEqual([]);
    });
  });

  describe('Standard Webhooks', () => {
    it("routes by the body's type", async () => {
      await start();
      const event = { type: 'user.created', timestamp: '2026-01-01T00:00:00Z', data: { id: 'u_1' } };
      expect((await send('standardwebhooks', event)).status).toBe(200);
      expect(t.log.calls.map(({ handler, event: got, context }) => [handler, got, context.eventType])).toEqual([
        ['standardwebhooks.userCreated', event, 'user.created'],
      ]);
      expect(t.log.calls[0]!.context.deliveryId).toMatch(/^msg_/);
    });
  });

  describe('an event no handler takes', () => {
    it.each([
      [undefined, 200],
      ['ignore', 200],
      [404, 404],
      [422, 422],
    ] as const)('with events.unhandled %p answers %p', async (unhandled, status) => {
      await start(unhandled === undefined ? {} : { events: { unhandled } });
      const response = await send('shopify', { id: 1 }, 'products/update');
      expect(response.status).toBe(status);
      if (status !== 200) expect(response.body.message).toBe('No handler for this webhook event');
      expect(t.log.calls).toEqual([]);
      expect(debugLines()).toEqual([`No @OnWebhookEvent handler for "products/update" from 'shopify'`]);
    });

    it('quotes and cuts short an event type from an unsigned header in the log line', async () => {
      await start();
      expect((await send('shopify', { id: 1 }, `x"${'y'.repeat(200)}`)).status).toBe(200);
      expect(debugLines()).toEqual([`No @OnWebhookEvent handler for ${JSON.stringify(`x"${'y'.repeat(98)}…`)} from 'shopify'`]);
    });
  });

  describe('@WebhookEvent() on a route without dispatch', () => {
    it('gives the verified event, parsed from the raw bytes, with its type and delivery id; no @OnWebhookEvent handler runs', async () => {
      await start();
      const event = stripeEvent('invoice.paid');
      const response = await send('stripe', event, undefined, '/events/stripe-param');
      expect([response.status, response.body]).toEqual([
        201,
        {
          provider: 'stripe',
          eventType: 'invoice.paid',
          deliveryId: `event:${event.id}`,
          event,
          signed: 'string',
          plain: true,
          configurable: true,
        },
      ]);
      expect(t.log.calls).toEqual([]);
    });

    it('answers 400 to a verified body that is not JSON', async () => {
      await start();
      const body = 'type=invoice.paid';
      const headers = await SENDERS.stripe(body);
      const response = await request(t.app.getHttpServer())
        .post('/events/stripe-param')
        .set('content-type', 'application/x-www-form-urlencoded')
        .set(headers)
        .send(body)
        .expect(400);
      expect(response.body.message).toBe('The webhook body is not JSON');
    });
  });
});

// Express 4's body-parser leaves `{}` on a request it does not parse; Fastify answers 415 to a type it has no parser for.
describe('Event routing on express, after a middleware that leaves an empty body', () => {
  let t: EventsTestApp;
  afterEach(() => t?.app.close());

  it('parses the bytes it read itself, whatever an earlier middleware left as the body', async () => {
    t = await createEventsApp(WebhookSecurityModule.forRoot({ providers: eventProviders() }), 'express', {
      imports: [BillingModule, AuditModule, IntegrationsModule, EmptyBodyDefaultModule],
    });
    const event = stripeEvent('invoice.payment_failed');
    const body = JSON.stringify(event);
    // A JSON type that Nest's parser does not take: the guard reads the body from the stream.
    const response = await request(t.app.getHttpServer())
      .post(ROUTES.stripe)
      .set('content-type', 'application/vnd.test+json')
      .set(SENDERS.stripe(body) as Record<string, string>)
      .send(body);
    expect(response.status).toBe(200);
    expect(t.log.handlers).toEqual(['billing.invoiceAny', 'audit.everyStripeEvent']);
    expect(t.log.calls[0]!.event).toEqual(event);
  });
});

/** A memory store that records the keys it is asked to claim. */
class ClaimRecordingStore extends MemoryReplayStore {
  readonly keys: string[] = [];

  override claim(key: string, token: string, ttlMs: number, previousKey?: string): Promise<boolean> {
    this.keys.push(key);
    return super.claim(key, token, ttlMs, previousKey);
  }
}

/** HubSpot signs the method; this route takes its deliveries by PUT. */
@Controller('hubspot')
class HubSpotController {
  @Put()
  @HttpCode(200)
  @VerifiedWebhook('hubspot')
  put(@WebhookEvent() { deliveryId }: VerifiedWebhookEvent) {
    return { deliveryId };
  }
}

describe.each(ADAPTERS)('@WebhookEvent() of a scheme that signs the method, on %s', (adapter) => {
  it('gives the delivery id that replay protection claimed, read with the method received', async () => {
    const secret = 'events-hubspot-client-secret';
    const store = new ClaimRecordingStore();
    const t = await createEventsApp(
      WebhookSecurityModule.forRoot({
        providers: { hubspot: { secret, publicBaseUrl: 'https://hooks.example.com', replay: { store, keyPrefix: 'events:' } } },
      }),
      adapter,
      { imports: [], controllers: [HubSpotController] },
    );
    try {
      // Signed by HubSpot's own SDK: method, URI, body and timestamp.
      const body = '[{"eventId":1,"subscriptionType":"contact.creation","objectId":123}]';
      const timestamp = Date.now();
      const signature = Signature.getSignature('PUT', 'v3', {
        signature: '',
        clientSecret: secret,
        requestBody: body,
        url: 'https://hooks.example.com/hubspot',
        timestamp,
      });
      const response = await request(t.app.getHttpServer())
        .put('/hubspot')
        .set({ 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) })
        .send(body)
        .expect(200);
      const { deliveryId } = response.body as { deliveryId: string };
      expect(store.keys).toEqual([replayKey('events:', 'hubspot', deliveryId)]);
    } finally {
      await t.app.close();
    }
  });
});
