import type { TokenSchemeOptions } from '../token-scheme.verifier.js';

/**
 * Xendit: `x-callback-token` carries the account's callback verification
 * token (Settings > Webhooks) as is; nothing is signed.
 *
 * @see https://docs.xendit.co/docs/handling-webhooks
 */
export const XENDIT_SCHEME = { kind: 'token', header: 'x-callback-token' } as const satisfies TokenSchemeOptions;
