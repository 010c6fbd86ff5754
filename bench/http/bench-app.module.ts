import { Body, Controller, HttpCode, Module, Post, SetMetadata, UseGuards } from '@nestjs/common';
import { VerifiedWebhook, WEBHOOK_PROVIDER_METADATA, WebhookSecurityModule, WebhookSignatureGuard } from '../../src/index.js';

/** The secret of the benchmark app's verified route. */
export const HTTP_SECRET = 'bench-http-secret-0123456789';

/** The scheme of the verified route. */
export const HTTP_SCHEME = 'fullup';

/** The provider of the route with replay protection on: the same scheme and secret, with the in-memory store. */
export const REPLAY_PROVIDER = 'fullupReplay';

/**
 * The routes under load: same handler, same body parsing. `guarded` is a
 * `@VerifiedWebhook` route; `guardOnly` has the signature guard alone, without
 * the filter the decorator also attaches; `guardedReplay` is a
 * `@VerifiedWebhook` route whose provider has replay protection on, loaded
 * with a new delivery on every request; `guardedOtel` is the `guarded` route
 * of a second server that runs with the OpenTelemetry SDK and webhook
 * telemetry on (`--otel`).
 */
export const ROUTES = {
  unguarded: '/webhooks/unguarded',
  guarded: '/webhooks/guarded',
  guardOnly: '/webhooks/guard-only',
  guardedReplay: '/webhooks/guarded-replay',
  guardedOtel: '/webhooks/guarded',
} as const;

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

  @Post('guard-only')
  @HttpCode(200)
  @SetMetadata(WEBHOOK_PROVIDER_METADATA, HTTP_SCHEME)
  @UseGuards(WebhookSignatureGuard)
  guardOnly(@Body() _event: unknown) {
    return { received: true };
  }
}

@Module({
  imports: [
    WebhookSecurityModule.forRoot({
      providers: {
        [HTTP_SCHEME]: { secret: HTTP_SECRET },
        [REPLAY_PROVIDER]: { scheme: HTTP_SCHEME, secret: HTTP_SECRET, replay: {} },
      },
    }),
  ],
  controllers: [BenchController],
})
export class BenchAppModule {}
