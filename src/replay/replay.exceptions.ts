import { ConflictException, ServiceUnavailableException } from '@nestjs/common';

/** The 409 for a duplicate delivery when `replay.onDuplicate` is `'conflict'`. */
export class DuplicateWebhookException extends ConflictException {
  constructor() {
    super('Duplicate webhook delivery');
  }
}

/**
 * The 503 when the replay store cannot be reached and `replay.failOpen` is
 * off. The handler does not run; the sender retries later.
 */
export class WebhookReplayStoreUnavailableException extends ServiceUnavailableException {
  constructor() {
    super('Webhook replay protection is unavailable');
  }
}

/**
 * Thrown by the signature guard for a duplicate that is acknowledged, and
 * turned into an empty 200 by the replay filter: a guard can only let a
 * request through or throw, and the route's own status would apply to a
 * request let through.
 */
export class AcknowledgedDuplicateDelivery extends Error {
  // Stryker disable next-line StringLiteral: the replay filter that @VerifiedWebhook puts on the route catches it by class, before any filter of the app; the diagnostics name an error by its constructor.
  override readonly name = 'AcknowledgedDuplicateDelivery';
}
