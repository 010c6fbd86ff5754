/**
 * Metadata key under which `@VerifiedWebhook(name, { dispatch: true })` marks
 * a route that dispatches to `@OnWebhookEvent` handlers. A fixed string, like
 * every metadata key of the library.
 */
export const WEBHOOK_DISPATCH_METADATA = 'nestjs-webhook-security:dispatch';

/** Metadata key of `@OnWebhookEvent`: the list of subscriptions on a method. */
export const WEBHOOK_EVENT_HANDLER_METADATA = 'nestjs-webhook-security:event-handlers';
