import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/**
 * GitHub: `X-Hub-Signature-256` is `sha256=` + lowercase hex(HMAC-SHA256(secret, raw body)).
 * No timestamp; the delivery id is in `X-GitHub-Delivery`, unsigned.
 * Replay protection therefore keys on the signed body, which GitHub's
 * redeliveries repeat, and not on that header, which a replayed request
 * could change at will.
 * The legacy SHA-1 `X-Hub-Signature` header is not read.
 *
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export class GitHubVerifier extends HmacSchemeVerifier {
  /**
   * GitHub does not redeliver on its own (redeliveries are manual):
   * https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries.
   * With no timestamp either, the claim is the only defence against a replay: the 3-day default.
   */
  readonly replayRetentionSeconds = 3 * 24 * 60 * 60;
  constructor(options?: VerifierOptions) {
    super({ header: 'x-hub-signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }, options);
  }
}
