import { jsonString } from '../utils/delivery-id.js';
import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import type { VerifierOptions, WebhookRequest } from './webhook-verifier.interface.js';

/**
 * Noyo: `x-noyo-signature` lists hex(HMAC-SHA256(key, `${x-noyo-timestamp}.${raw body}`))
 * separated by commas; any one may match. The timestamp is ISO-8601 with
 * microseconds (`2024-05-08T21:27:45.039587+00:00`) and is signed verbatim.
 *
 * Noyo's docs set no tolerance; 5 minutes either way is enforced by default.
 * Their code splits the list without trimming, which fails on `"a, b"`; the
 * entries are trimmed here.
 *
 * @see https://docs.noyo.com (Verifying webhooks)
 */
export class NoyoVerifier extends HmacSchemeVerifier {
  /**
   * Noyo documents no retry policy: the 3-day default.
   */
  readonly replayRetentionSeconds = 3 * 24 * 60 * 60;
  constructor(options?: VerifierOptions) {
    super(
      {
        header: 'x-noyo-signature',
        algorithm: 'sha256',
        encoding: 'hex',
        separator: ',',
        signedContent: '{timestamp}.{body}',
        timestamp: { header: 'x-noyo-timestamp', format: 'iso' },
      },
      options,
    );
  }

  /**
   * The event's id, `event.id` in the verified body, which a retry keeps;
   * the signed content when the body has none.
   */
  override deliveryId(request: WebhookRequest): string | undefined {
    const id = jsonString(request.rawBody, ['event', 'id']);
    return id === undefined ? super.deliveryId(request) : `event:${id}`;
  }
}

