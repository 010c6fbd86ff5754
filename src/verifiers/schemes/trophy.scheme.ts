import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Trophy: `X-Trophy-Signature` is base64(HMAC-SHA256(secret, raw body)).
 * No timestamp; each webhook has its own secret.
 *
 * @see https://docs.trophy.so/webhooks/security
 */
export const TROPHY_SCHEME = { header: 'x-trophy-signature', algorithm: 'sha256', encoding: 'base64' } as const satisfies HmacSchemeOptions;
