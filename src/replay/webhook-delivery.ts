import { createHash } from 'node:crypto';
import { WEBHOOK_DELIVERY } from './replay.constants.js';

/** A verified delivery, as the guard hands it to the replay interceptor. */
export interface WebhookDelivery {
  /** The provider's name in `forRoot({ providers })`. */
  readonly provider: string;
  /** The delivery id the verifier gave, or `undefined` if it found none. */
  readonly id: string | undefined;
  /**
   * Set by the replay interceptor once it has claimed the id. `@VerifiedWebhook`
   * on a controller and on its method attaches the interceptor twice; the
   * second must not see the first one's claim as a duplicate.
   */
  claimed?: boolean;
}

/** Leaves a verified delivery on the request for the replay interceptor. */
export function recordDelivery(request: object, delivery: WebhookDelivery): void {
  (request as Record<symbol, WebhookDelivery>)[WEBHOOK_DELIVERY] = delivery;
}

/** The delivery the guard left on the request, if replay protection is on for its provider. */
export function deliveryOf(request: object): WebhookDelivery | undefined {
  return (request as Record<symbol, WebhookDelivery | undefined>)[WEBHOOK_DELIVERY];
}

/**
 * The store key of a delivery: `<prefix><provider>:<sha256 of the id>`. The
 * id is hashed, so a key never holds signature material or request data and
 * has a fixed length whatever the sender put in its header.
 */
export function replayKey(prefix: string, provider: string, id: string): string {
  return `${prefix}${provider}:${createHash('sha256').update(id).digest('base64url')}`;
}
