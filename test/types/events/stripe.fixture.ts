import type Stripe from 'stripe';
import { OnWebhookEvent, WebhookEvent, type VerifiedWebhookEvent, type WebhookEventContext, type WebhookEventPayload } from 'nestjs-webhook-security';

export class StripeHandlers {
  @OnWebhookEvent('stripe', 'invoice.paid')
  paid(event: WebhookEventPayload<'stripe', 'invoice.paid'>, context: WebhookEventContext<'stripe', 'invoice.paid'>) {
    const invoice: Stripe.Invoice = event.data.object;
    const type: 'invoice.paid' = context.eventType;
    // @ts-expect-error an invoice has no such field
    return [invoice, type, event.data.object.no_such_field];
  }

  /** Stripe's own event type, or a wider one, or none at all. */
  @OnWebhookEvent('stripe', 'invoice.paid')
  sdkType(event: Stripe.InvoicePaidEvent) {
    return event.data.object.id;
  }

  @OnWebhookEvent('stripe', 'invoice.paid')
  wide(event: Stripe.Event) {
    return event.type;
  }

  @OnWebhookEvent('stripe', 'invoice.paid')
  noArguments() {}

  @OnWebhookEvent('stripe', ['invoice.paid', 'invoice.payment_failed'])
  several(event: WebhookEventPayload<'stripe', 'invoice.paid' | 'invoice.payment_failed'>) {
    const type: 'invoice.paid' | 'invoice.payment_failed' = event.type;
    return type;
  }

  @OnWebhookEvent('stripe', '*')
  every(event: Stripe.Event, context: WebhookEventContext<'stripe'>) {
    return [event.type, context.eventType];
  }

  // @ts-expect-error not a Stripe event type
  @OnWebhookEvent('stripe', 'invoice.payed')
  misspelt() {}

  // @ts-expect-error one of the types is not a Stripe event type
  @OnWebhookEvent('stripe', ['invoice.paid', 'invoice.payed'])
  misspeltInList() {}

  // @ts-expect-error the handler takes another event than it subscribes to
  @OnWebhookEvent('stripe', 'invoice.paid')
  otherEvent(event: Stripe.CustomerCreatedEvent) {
    return event;
  }

  // @ts-expect-error a wildcard handler must take every event, not one
  @OnWebhookEvent('stripe', '*')
  narrowWildcard(event: Stripe.InvoicePaidEvent) {
    return event;
  }

  // @ts-expect-error a handler of two types must take both
  @OnWebhookEvent('stripe', ['invoice.paid', 'customer.created'])
  narrowList(event: Stripe.InvoicePaidEvent) {
    return event;
  }

  // @ts-expect-error the context names another type
  @OnWebhookEvent('stripe', 'invoice.paid')
  otherContext(event: Stripe.InvoicePaidEvent, context: WebhookEventContext<'stripe', 'customer.created'>) {
    return [event, context];
  }

  /** A second account typed the same, and a provider not in the map, whose handlers type the event as they like. */
  @OnWebhookEvent('stripeConnect', 'invoice.paid')
  @OnWebhookEvent('unmapped', 'anything.at.all')
  connect(event: { readonly id: string }) {
    return event.id;
  }

  /** A route reading the event itself: comparing the type narrows the event. */
  route(@WebhookEvent() verified: VerifiedWebhookEvent<'stripe'>) {
    if (verified.eventType === 'invoice.paid') {
      const invoice: Stripe.Invoice = verified.event.data.object;
      return invoice;
    }
    // @ts-expect-error not narrowed: not every Stripe event carries an invoice, and a request may name no type
    return verified.event.data.object.amount_paid;
  }
}
