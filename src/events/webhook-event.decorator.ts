import { Injectable, createParamDecorator, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WEBHOOK_PROVIDER_METADATA } from '../webhook-security.constants.js';
import { WebhookEventDispatcher, WebhookRequestSource } from './webhook-event-dispatcher.js';
import type { VerifiedWebhookEvent } from './webhook-event-map.interface.js';

const reflector = new Reflector();

/** Reads the verified event of the request through the dispatcher, which knows the provider's verifier. */
@Injectable()
export class WebhookEventPipe implements PipeTransform<WebhookRequestSource, VerifiedWebhookEvent> {
  constructor(private readonly dispatcher: WebhookEventDispatcher) {}

  transform(source: WebhookRequestSource): VerifiedWebhookEvent {
    const { request, provider } = this.dispatcher.requestOf(source);
    return this.dispatcher.verifiedEvent(request, provider);
  }
}

const eventSource = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    new WebhookRequestSource(
      context.switchToHttp().getRequest<object>(),
      reflector.getAllAndOverride<string | undefined>(WEBHOOK_PROVIDER_METADATA, [context.getHandler(), context.getClass()]),
    ),
);

/**
 * The verified event of a `@VerifiedWebhook` route: the body parsed from the
 * exact bytes verified, its event type as the provider's verifier reads it,
 * and the delivery context. Type the parameter with
 * {@link VerifiedWebhookEvent}; comparing `eventType` narrows `event`. A body
 * that is not JSON gets 400; a route without `@VerifiedWebhook`, 500.
 *
 * @example
 * ```ts
 * @Post('webhooks/stripe')
 * @VerifiedWebhook('stripe')
 * handle(@WebhookEvent() { eventType, event }: VerifiedWebhookEvent<'stripe'>) {
 *   if (eventType === 'invoice.paid') return this.billing.paid(event.data.object);
 * }
 * ```
 */
export function WebhookEvent(): ParameterDecorator {
  return eventSource(WebhookEventPipe);
}
