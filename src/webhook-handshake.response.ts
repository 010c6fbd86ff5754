import type { WebhookHandshakeReply } from './verifiers/webhook-verifier.interface.js';

/**
 * Thrown by the signature guard to answer a sender's handshake, and sent as
 * its reply by the filter `@VerifiedWebhook` attaches: a guard can only let a
 * request through or throw, and the handler must not run for a handshake.
 */
export class WebhookHandshakeResponse extends Error {
  override readonly name = 'WebhookHandshakeResponse';

  constructor(readonly reply: WebhookHandshakeReply) {
    super('Webhook handshake answered');
  }
}
