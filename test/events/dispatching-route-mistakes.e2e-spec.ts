import { Controller, Post } from '@nestjs/common';
import { OnWebhookEvent, VerifiedWebhook, WebhookSecurityConfigurationError, WebhookSecurityModule, type WebhookVerifier } from '../../src/index.js';
import { VERIFIED } from '../../src/verifiers/webhook-verifier.interface.js';
import { BillingModule, createEventsApp, eventProviders } from './events-app.js';

/** A verifier that accepts everything and cannot read event types, like a declarative scheme. */
const typeless: WebhookVerifier = { verify: () => VERIFIED };

/**
 * The decorator on a base class. Nest reads a class's guards through its
 * parents, so the routes of a controller that extends it are verified; but
 * the decorator ran before that controller existed, and never gave its
 * routes their dispatching parameter: verified deliveries would be answered
 * 201 without a handler running, and the sender would not retry.
 */
@VerifiedWebhook('stripe', { dispatch: true })
abstract class StripeWebhooksBase {}

@Controller('extending')
class ExtendingController extends StripeWebhooksBase {
  @Post()
  handle() {}
}

/** Dispatch on the controller, and a method verified as a provider that cannot read event types: every delivery would go unhandled. */
@Controller('mixed')
@VerifiedWebhook('stripe', { dispatch: true })
class MixedProvidersController {
  @Post()
  @VerifiedWebhook('typeless')
  handle() {}
}

/**
 * Dispatch on a controller under one provider, extending a class given
 * dispatch under another: the inherited route has a dispatching parameter of
 * each, while the guard verifies it as the controller's provider only. The
 * other parameter would answer every verified delivery 500, before any
 * handler ran.
 */
@VerifiedWebhook('stripe', { dispatch: true })
class StripeDispatchingBase {
  @Post()
  handle() {}
}

@Controller('renamed')
@VerifiedWebhook('stripeConnect', { dispatch: true })
class RenamedDispatchController extends StripeDispatchingBase {}

describe('A dispatching route set up so that it could never dispatch fails at startup', () => {
  const startFails = async (controllers: (new () => object)[]) => {
    const module = WebhookSecurityModule.forRoot({ providers: { ...eventProviders(), typeless: { secret: 'x', verifier: typeless } } });
    const failure = await createEventsApp(module, 'express', { imports: [BillingModule], controllers }).then(
      (t) => t.app.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WebhookSecurityConfigurationError);
    return (failure as Error).message;
  };

  it('a route of a controller that extends a class given { dispatch: true }, naming the route and the fix', async () => {
    expect(await startFails([ExtendingController])).toBe(
      "ExtendingController.handle() is verified as 'stripe' with { dispatch: true }, which did not reach it: " +
        'a decorator on a class reaches the routes that class declares or inherits, not those of a class that extends it. ' +
        "Put @VerifiedWebhook('stripe', { dispatch: true }) on ExtendingController, or on the method.",
    );
  });

  it('a route verified as one provider with a dispatching parameter of another, inherited, naming both and the route', async () => {
    expect(await startFails([RenamedDispatchController])).toBe(
      "RenamedDispatchController.handle() is verified as 'stripeConnect', and dispatches as 'stripe' too, by a { dispatch: true } on a class it extends: " +
        'every delivery would fail with 500 before any handler ran. ' +
        'Give the @VerifiedWebhook of RenamedDispatchController and of the classes it extends one provider, or put { dispatch: true } on one of them only.',
    );
  });

  it("a route whose own @VerifiedWebhook names a provider that cannot read event types, under the controller's dispatch", async () => {
    expect(await startFails([MixedProvidersController])).toMatch(
      /^@VerifiedWebhook\('typeless', \{ dispatch: true \}\) on MixedProvidersController\.handle\(\) routes events of webhook provider 'typeless', whose verifier cannot read event types/,
    );
  });
});

describe('@OnWebhookEvent on a static method, which discovery never finds', () => {
  it('throws where the class is declared, naming the method and the fix', () => {
    expect(() => {
      class StaticHandlers {
        @OnWebhookEvent('stripe', 'invoice.paid')
        static onPaid() {}
      }
      return StaticHandlers;
    }).toThrow(
      new WebhookSecurityConfigurationError(
        '@OnWebhookEvent on static StaticHandlers.onPaid(): handlers are methods of provider or controller instances. Make it an instance method.',
      ),
    );
  });
});
