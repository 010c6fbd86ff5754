import { SetMetadata, UseFilters, UseGuards, UseInterceptors, applyDecorators } from '@nestjs/common';
import { dispatchDecorators } from './events/webhook-event.interceptor.js';
import { WebhookReplayFilter } from './replay/webhook-replay.filter.js';
import { WebhookReplayInterceptor } from './replay/webhook-replay.interceptor.js';
import { WEBHOOK_PROVIDER_METADATA } from './webhook-security.constants.js';
import { WebhookSignatureGuard } from './webhook-signature.guard.js';

/**
 * Marks a route, or every route of a controller, as a webhook from
 * `provider`: the signature is verified over the raw body before the handler
 * runs, and a request that fails gets 401. With `replay` on for the
 * provider, each delivery id runs the handler once.
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
  return applyDecorators(
    SetMetadata(WEBHOOK_PROVIDER_METADATA, provider),
    UseGuards(WebhookSignatureGuard),
    UseInterceptors(WebhookReplayInterceptor),
    UseFilters(WebhookReplayFilter),
    ...(options.dispatch ? dispatchDecorators() : []),
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
