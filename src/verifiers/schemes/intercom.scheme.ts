import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Intercom: `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the raw body keyed
 * with the app's client secret (Developer Hub → your app → Basic
 * information). No timestamp is signed. The `ping` topic is signed like any
 * other notification.
 *
 * The delivery id is the notification's `id` (`notif_…`); the type is
 * `topic` (`conversation.user.created`).
 *
 * @see https://developers.intercom.com/intercom-api-reference/v1.0/reference/signed-notifications
 */
export const INTERCOM_SCHEME = {
  header: 'x-hub-signature',
  algorithm: 'sha1',
  encoding: 'hex',
  prefix: 'sha1=',
  deliveryId: { json: ['id'] },
  eventType: { json: ['topic'] },
} as const satisfies HmacSchemeOptions;
