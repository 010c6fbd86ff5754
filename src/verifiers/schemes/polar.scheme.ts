import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';
import { STANDARD_WEBHOOKS_V1_SCHEME } from './standard-webhooks.scheme.js';

/**
 * Polar: Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64>`), with one difference: the key is the
 * secret's own UTF-8 bytes, not a base64 key after `whsec_`.
 * `@polar-sh/sdk`'s `validateEvent` base64-encodes the secret before handing
 * it to a Standard Webhooks library, which decodes it again. The secret is on
 * the organisation's Webhooks settings page. The event type is the body's
 * `type` (`order.paid`); the delivery id is `webhook-id`.
 *
 * @see https://polar.sh/docs/integrate/webhooks/delivery
 */
export const POLAR_SCHEME = { ...STANDARD_WEBHOOKS_V1_SCHEME, secretEncoding: 'utf8' } as const satisfies HmacSchemeOptions;
