import { Controller, Injectable, Module, Post, Scope } from '@nestjs/common';
import request from 'supertest';
import Stripe from 'stripe';
import {
  OnWebhookEvent,
  VerifiedWebhook,
  WebhookSecurityConfigurationError,
  WebhookSecurityModule,
  type WebhookSecurityModuleOptions,
  type WebhookVerifier,
} from '../../src/index.js';
import { VERIFIED } from '../../src/verifiers/webhook-verifier.interface.js';
import { EVENT_SECRETS, EventLog, createEventsApp, eventProviders, type EventsTestApp } from './events-app.js';

/** A verifier that accepts everything and cannot read event types, like a declarative scheme. */
const typeless: WebhookVerifier = { verify: () => VERIFIED };

@Injectable()
class GhostHandlers {
  @OnWebhookEvent('ghost', 'invoice.paid')
  onGhost() {}
}

@Injectable()
class TypelessHandlers {
  @OnWebhookEvent('typeless', '*')
  onAny() {}
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedHandlers {
  @OnWebhookEvent('stripe', 'invoice.paid')
  onInvoicePaid() {}
}

@Injectable()
class EmptyListHandlers {
  @OnWebhookEvent('stripe', [])
  onNothing() {}
}

@Controller('typeless')
class TypelessDispatchController {
  @Post()
  @VerifiedWebhook('typeless', { dispatch: true })
  handle() {}
}

@Controller('plain')
class TypelessPlainController {
  @Post()
  @VerifiedWebhook('typeless')
  handle() {}
}

const module = (options: Partial<WebhookSecurityModuleOptions> = {}) =>
  WebhookSecurityModule.forRoot({ providers: { ...eventProviders(), typeless: { secret: 'x', verifier: typeless } }, ...options });

describe('Event routing at startup', () => {
  const startFails = async (setup: Parameters<typeof createEventsApp>[2], options?: Partial<WebhookSecurityModuleOptions>) => {
    const failure = await createEventsApp(module(options), 'express', setup).then(
      (t) => t.app.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WebhookSecurityConfigurationError);
    return (failure as Error).message;
  };

  it('fails on a handler whose provider is not configured, naming the handler and the fix', async () => {
    expect(await startFails({ imports: [], providers: [GhostHandlers] })).toBe(
      "@OnWebhookEvent('ghost') on GhostHandlers.onGhost() names a provider that is not configured. " +
        "Add 'ghost' to WebhookSecurityModule.forRoot({ providers: { ... } }), or fix the name " +
        "(configured: 'stripe', 'stripeConnect', 'github', 'shopify', 'slack', 'standardwebhooks', 'typeless').",
    );
  });

  it("fails on a handler whose provider's verifier cannot read event types", async () => {
    expect(await startFails({ imports: [], providers: [TypelessHandlers] })).toBe(
      "@OnWebhookEvent('typeless') on TypelessHandlers.onAny() routes events of webhook provider 'typeless', whose verifier cannot read event types. " +
        'Give providers.typeless.verifier an eventType(request) method that reads the type from the verified request.',
    );
  });

  it("fails on a dispatching route whose provider's verifier cannot read event types, and not on a plain route", async () => {
    expect(await startFails({ imports: [], controllers: [TypelessDispatchController] })).toMatch(
      /^@VerifiedWebhook\('typeless', \{ dispatch: true \}\) on TypelessDispatchController\.handle\(\) routes events of webhook provider 'typeless'/,
    );
    const t = await createEventsApp(module(), 'express', { imports: [], controllers: [TypelessPlainController] });
    await request(t.app.getHttpServer()).post('/plain').expect(201);
    await t.app.close();
  });

  it('fails on a handler in a request-scoped provider', async () => {
    expect(await startFails({ imports: [], providers: [RequestScopedHandlers] })).toMatch(
      /^@OnWebhookEvent on RequestScopedHandlers\.onInvoicePaid\(\): handlers must live in singleton providers/,
    );
  });

  it('fails on a handler that lists no event type', async () => {
    expect(await startFails({ imports: [], providers: [EmptyListHandlers] })).toBe(
      "@OnWebhookEvent on EmptyListHandlers.onNothing() lists no event type. Name one or more types, or '*' for every type.",
    );
  });

  it('fails on an unknown events.unhandled', async () => {
    expect(await startFails({ imports: [] }, { events: { unhandled: 500 as never } })).toBe(
      "Webhook provider '*': events.unhandled must be 'ignore', 404 or 422.",
    );
  });
});

@Injectable()
class OtherAppHandlers {
  constructor(private readonly log: EventLog) {}

  @OnWebhookEvent('stripe', 'invoice.paid')
  onInvoicePaid(event: { id: string }) {
    this.log.steps.push(`other:${event.id}`);
  }
}

@Controller('events')
class OtherAppController {
  @Post('stripe')
  @VerifiedWebhook('stripe', { dispatch: true })
  stripe() {}
}

@Module({ providers: [OtherAppHandlers], controllers: [OtherAppController] })
class OtherAppModule {}

describe('Event routing in two apps of one process', () => {
  let apps: EventsTestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((t) => t.app.close()));
    apps = [];
  });

  it("sends each app's deliveries to that app's handlers only, on Express and Fastify side by side", async () => {
    apps = [
      await createEventsApp(module(), 'express'),
      await createEventsApp(WebhookSecurityModule.forRoot({ providers: { stripe: { ...eventProviders().stripe, secret: 'whsec_other_app' } } }), 'fastify', {
        imports: [OtherAppModule],
        controllers: [],
      }),
    ];
    const [main, other] = apps as [EventsTestApp, EventsTestApp];
    const deliver = (t: EventsTestApp, id: string, secret: string) => {
      const body = JSON.stringify({ id, type: 'invoice.paid', data: { object: {} } });
      const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
      return request(t.app.getHttpServer()).post('/events/stripe').set('content-type', 'application/json').set('stripe-signature', signature).send(body);
    };

    await deliver(main, 'evt_main', EVENT_SECRETS.stripe).expect(200);
    await deliver(other, 'evt_other', 'whsec_other_app').expect(200);
    expect(main.log.handlers).toEqual(['billing.invoicePaid', 'billing.invoiceAny', 'audit.everyStripeEvent', 'controller.controllerHandler']);
    expect(main.log.calls.map((call) => (call.event as { id: string }).id)).toEqual(['evt_main', 'evt_main', 'evt_main', 'evt_main']);
    expect(main.log.steps).not.toContain('other:evt_main');
    expect(other.log.steps).toEqual(['other:evt_other']);
    expect(other.log.calls).toEqual([]);
  });
});
