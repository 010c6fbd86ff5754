import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Authorize.Net: `X-ANET-Signature: sha512=<HEX>`, the HMAC-SHA512 of the raw
 * body keyed with the Signature Key (Merchant Interface → Account → Settings
 * → Security Settings → API Credentials and Keys). The key goes in as the
 * text shown, not hex-decoded. The hex is uppercase; it is compared
 * case-insensitively. No timestamp is signed.
 *
 * The delivery id is the body's `notificationId`; the type is `eventType`
 * (`net.authorize.payment.authcapture.created`).
 *
 * @see https://developer.authorize.net/api/reference/features/webhooks.html
 */
export const AUTHORIZE_NET_SCHEME = {
  header: 'x-anet-signature',
  algorithm: 'sha512',
  encoding: 'hex',
  prefix: 'sha512=',
  deliveryId: { json: ['notificationId'] },
  eventType: { json: ['eventType'] },
} as const satisfies HmacSchemeOptions;
