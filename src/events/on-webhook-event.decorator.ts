import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import { WEBHOOK_EVENT_HANDLER_METADATA } from './webhook-events.constants.js';
import type { SelectedEventType, WebhookEventContext, WebhookEventPayload, WebhookEventSelector } from './webhook-event-map.interface.js';

/** One `@OnWebhookEvent(provider, types)` on a method. */
export interface WebhookEventSubscription {
  /** The provider's name in `forRoot({ providers })`. */
  readonly provider: string;
  /** The event types, or `'*'` for every type. */
  readonly types: readonly string[] | '*';
}

/**
 * The method type `@OnWebhookEvent` accepts: `M` itself when it takes the
 * event `E` and context `C` (or anything wider, or fewer arguments),
 * otherwise the handler it should be, which makes the decorator a compile
 * error that shows both.
 */
type AcceptingHandler<M, E, C> = M extends (event: infer A, context: infer B, ...rest: infer R) => infer Ret
  ? [E, C] extends [A, B]
    ? M
    : (event: E, context: C, ...rest: R) => Ret
  : M;

/**
 * Runs the method for each verified delivery of `provider` whose event type
 * is `type` (or one of `type`, or any with `'*'`), on a route marked
 * `@VerifiedWebhook(provider, { dispatch: true })`. The method may be on any
 * provider or controller of the app; it gets the parsed body and a
 * {@link WebhookEventContext}, and may be async. Several decorators may sit
 * on one method.
 *
 * Handlers of one delivery run one after another, awaited, in the order Nest
 * discovers them. The first that throws stops the rest and fails the
 * delivery with 500, so that the sender retries: every handler runs again
 * then, so handlers must be idempotent.
 *
 * Types: with `provider` in {@link WebhookEventMap}, an unknown event type
 * is a compile error, and so is a handler whose parameter cannot take the
 * payload of every type it subscribes to.
 *
 * The type is what the provider's verifier reads from the verified request.
 * GitHub's `X-GitHub-Event` and Shopify's `X-Shopify-Topic` are not covered
 * by the signature: a captured signed body can be re-sent with another event
 * header and reach that event's handlers. With `replay` on, their delivery
 * id is a hash of the signed body, and its first claim ties the body to the
 * event headers it came with: a body whose delivery succeeded is never
 * dispatched again, and one whose claim was released (a handler threw, or
 * `unhandled` answered 404 or 422) only under those headers, as the
 * sender's retry. Startup warns when replay is off. Treat the payload as
 * what it is, the verified body, and check the fields you rely on (GitHub's
 * `action` is signed).
 *
 * A `provider` that is not configured, or whose verifier cannot name event
 * types, fails at startup; a static method, where it is declared.
 *
 * @example
 * ```ts
 * @OnWebhookEvent('stripe', 'invoice.paid')
 * async onInvoicePaid(event: WebhookEventPayload<'stripe', 'invoice.paid'>, { deliveryId }: WebhookEventContext) {}
 * ```
 */
export function OnWebhookEvent<P extends string, const S extends WebhookEventSelector<P>>(
  provider: P,
  type: S,
): <M>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<M> &
    TypedPropertyDescriptor<AcceptingHandler<M, WebhookEventPayload<P, SelectedEventType<P, S>>, WebhookEventContext<P, SelectedEventType<P, S>>>>,
) => void {
  const subscription: WebhookEventSubscription = {
    provider,
    types: type === '*' ? '*' : typeof type === 'string' ? [type] : [...(type as readonly string[])],
  };
  return (target, key, descriptor) => {
    if (typeof target === 'function') throw WebhookSecurityConfigurationError.staticEventHandler(`${target.name}.${String(key)}()`);
    const method = descriptor.value as object;
    const existing = (Reflect.getMetadata(WEBHOOK_EVENT_HANDLER_METADATA, method) ?? []) as WebhookEventSubscription[];
    Reflect.defineMetadata(WEBHOOK_EVENT_HANDLER_METADATA, [...existing, subscription], method);
  };
}
