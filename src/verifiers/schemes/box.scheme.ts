import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Box (webhooks v2): `BOX-SIGNATURE-PRIMARY` is base64(HMAC-SHA256(primary
 * key, raw body + `BOX-DELIVERY-TIMESTAMP`)) and `BOX-SIGNATURE-SECONDARY`
 * the same with the secondary key; the timestamp is RFC 3339. Configure both
 * keys (`secret: [primary, secondary]`, from the app's Webhooks tab) so that
 * either may be rotated; any signature may match any key.
 *
 * Box's SDK allows 10 minutes into the past and none into the future; the
 * default tolerance is 5 minutes either way, so set `toleranceSeconds: 600`
 * to match. Its SDK also retries with the body's non-ASCII characters
 * escaped; only the bytes received are verified here. The delivery id is the
 * body's `id`, the event type its `trigger` (`FILE.UPLOADED`).
 *
 * @see https://developer.box.com/guides/webhooks/v2/signatures-v2/
 */
export const BOX_SCHEME = {
  header: ['box-signature-primary', 'box-signature-secondary'],
  algorithm: 'sha256',
  encoding: 'base64',
  signedContent: '{body}{timestamp}',
  timestamp: { header: 'box-delivery-timestamp', format: 'iso' },
  deliveryId: { json: ['id'] },
  eventType: { json: ['trigger'] },
} as const satisfies HmacSchemeOptions;
