import { Body, Controller, HttpCode, Injectable, Module, Post, SetMetadata, UseGuards } from '@nestjs/common';
import { OnWebhookEvent, VerifiedWebhook, WEBHOOK_PROVIDER_METADATA, WebhookSecurityModule, WebhookSignatureGuard } from '../../src/index.js';
import { FULLUP_SCHEME } from '../../src/verifiers/schemes/fullup.scheme.js';

/** The secret of the benchmark app's verified route. */
export const HTTP_SECRET = 'bench-http-secret-0123456789';

/** The scheme of the verified route. */
export const HTTP_SCHEME = 'fullup';

/** The provider of the route with replay protection on: the same scheme and secret, with the in-memory store. */
export const REPLAY_PROVIDER = 'fullupReplay';

/** The provider of the route that dispatches events: the same scheme and secret, reading the event type from the body's `type`. */
export const EVENTS_PROVIDER = 'fullupEvents';

/**
 * The routes under load: same handler, same body parsing. `guarded` is a
 * `@VerifiedWebhook` route; `guardOnly` has the signature guard alone, without
 * the filter the decorator also attaches; `guardedReplay` is a
 * `@VerifiedWebhook` route whose provider has replay protection on, loaded
 * with a new delivery on every request; `guardedDispatch` is a
 * `@VerifiedWebhook(name, { dispatch: true })` route whose deliveries go to
 * one `@OnWebhookEvent` handler; `guardedDispatchUnparsed` is the same route
 * with the app's JSON parser skipping it (`SKIPS_JSON_PARSER`), as
 * `docs/events.md` sets up a dispatching route; `guardedOtel` is the `guarded` route
 * of a second server that runs with the OpenTelemetry SDK and webhook
 * telemetry on (`--otel`).
 */
export const ROUTES = {
  unguarded: '/webhooks/unguarded',
  guarded: '/webhooks/guarded',
  guardOnly: '/webhooks/guard-only',
  guardedReplay: '/webhooks/guarded-replay',
  guardedDispatch: '/webhooks/guarded-dispatch',
  guardedDispatchUnparsed: '/webhooks/dispatch-unparsed',
  guardedOtel: '/webhooks/guarded',
} as const;

/** The path of the route the app's JSON parser skips: its deliveries are parsed by the dispatch alone. */
export const SKIPS_JSON_PARSER = ROUTES.guardedDispatchUnparsed;

/** Name of a route under load. */
export type Route = keyof typeof ROUTES;

@Controller('webhooks')
export class BenchController {
  @Post('unguarded')
  @HttpCode(200)
  unguarded(@Body() _event: unknown) {
    return { received: true };
  }

  @Post('guarded')
  @HttpCode(200)
  @VerifiedWebhook(HTTP_SCHEME)
  guarded(@Body() _event: unknown) {
    return { received: true };
  }

  @Post('guarded-replay')
  @HttpCode(200)
  @VerifiedWebhook(REPLAY_PROVIDER)
  guardedReplay(@Body() _event: unknown) {
    return { received: true };
  }

  @Post('guarded-dispatch')
  @HttpCode(200)
  @VerifiedWebhook(EVENTS_PROVIDER, { dispatch: true })
  guardedDispatch(@Body() _event: unknown) {
    return { received: true };
  }

  @Post('dispatch-unparsed')
  @HttpCode(200)
  @VerifiedWebhook(EVENTS_PROVIDER, { dispatch: true })
  guardedDispatchUnparsed() {
    return { received: true };
  }

  @Post('guard-only')
  @HttpCode(200)
  @SetMetadata(WEBHOOK_PROVIDER_METADATA, HTTP_SCHEME)
  @UseGuards(WebhookSignatureGuard)
  guardOnly(@Body() _event: unknown) {
    return { received: true };
  }
}

/** The handler of the dispatching route's one event type. */
@Injectable()
export class BenchEvents {
  handled = 0;

  @OnWebhookEvent(EVENTS_PROVIDER, 'bench.event')
  onBenchEvent() {
    this.handled++;
  }
}

@Module({
  imports: [
    WebhookSecurityModule.forRoot({
      providers: {
        [HTTP_SCHEME]: { secret: HTTP_SECRET },
        [REPLAY_PROVIDER]: { scheme: HTTP_SCHEME, secret: HTTP_SECRET, replay: {} },
        [EVENTS_PROVIDER]: { scheme: { ...FULLUP_SCHEME, eventType: { json: ['type'] } }, secret: HTTP_SECRET },
      },
    }),
  ],
  controllers: [BenchController],
  providers: [BenchEvents],
})
export class BenchAppModule {}
