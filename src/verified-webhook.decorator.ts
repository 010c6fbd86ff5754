import { SetMetadata, UseFilters, UseGuards, applyDecorators } from '@nestjs/common';
import { dispatchDecorator } from './events/webhook-dispatch.pipe.js';
import { WebhookReplayFilter } from './replay/webhook-replay.filter.js';
import { WEBHOOK_PROVIDER_METADATA } from './webhook-security.constants.js';
import { WebhookSignatureGuard } from './webhook-signature.guard.js';

/**
 * Marks a route, or every route of a controller, as a webhook from
 * `provider`: the signature is verified over the raw body before the handler
 * runs, and a request that fails gets 401. With `replay` on for the
 * provider, each delivery runs the handler once: its claim is kept when the
 * response is a 2xx and released otherwise, so that the sender's retry runs.
 *
 * The name must be one of the providers given to `WebhookSecurityModule.forRoot()`;
 * an unknown name fails at startup.
 *
 * @example
 * ```ts
 * @Post('webhooks/fullup')
 * @HttpCode(200)
 * @VerifiedWebhook('fullup')
 * handle(@Body() event: FullupEvent) {}
 * ```
 *
 * With `{ dispatch: true }`, each verified delivery goes to the
 * `@OnWebhookEvent(provider, type)` handlers of its event type before the
 * route handler runs; see `OnWebhookEvent`.
 */
export function VerifiedWebhook(provider: string, options: VerifiedWebhookOptions = {}): ClassDecorator & MethodDecorator {
  // A guard and a filter, and no interceptor: Nest builds an interceptor's
  // pipeline on every request, replay on or off, while a route-scoped filter
  // is bound once at startup and runs only when something throws. The guard
  // does the replay work itself, after verification: it claims the delivery
  // and, for that one response, holds a failure's bytes until the claim is
  // released (see releaseOnFailure). A duplicate is thrown from the guard,
  // which can only let a request through or throw; the filter turns it into
  // an empty 200, whatever the route's status. Route-scoped filters come
  // before global ones, so the app's own filters and interceptors see
  // everything else as before. A route that dispatches events gets a
  // parameter whose pipe dispatches them, not an interceptor either.
  return applyDecorators(
    SetMetadata(WEBHOOK_PROVIDER_METADATA, provider),
    UseGuards(WebhookSignatureGuard),
    UseFilters(WebhookReplayFilter),
    ...(options.dispatch ? [dispatchDecorator(provider)] : []),
  );
}

/** Options of `@VerifiedWebhook`. */
export interface VerifiedWebhookOptions {
  /**
   * Route each verified delivery to the `@OnWebhookEvent` handlers of its
   * provider and event type. The route handler runs after them, usually with
   * an empty body; a method route answers 200 unless it sets `@HttpCode`.
   * @default false
   */
  dispatch?: boolean;
}
