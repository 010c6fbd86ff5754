import type { TokenSchemeOptions } from '../token-scheme.verifier.js';

/**
 * Telegram Bot API: `X-Telegram-Bot-Api-Secret-Token` carries the
 * `secret_token` given to `setWebhook` (1–256 characters of `A-Z a-z 0-9 _ -`)
 * as is; nothing is signed. The update's `update_id` is a number, so
 * replay protection keys on a hash of the body.
 *
 * @see https://core.telegram.org/bots/api#setwebhook
 */
export const TELEGRAM_SCHEME = { kind: 'token', header: 'x-telegram-bot-api-secret-token' } as const satisfies TokenSchemeOptions;
