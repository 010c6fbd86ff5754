/**
 * How long a delivery id is remembered when neither the options nor the
 * sender's verifier say: 3 days, Stripe's retry window, the longest of the
 * built-in senders.
 */
export const DEFAULT_REPLAY_TTL_SECONDS = 3 * 24 * 60 * 60;

/** Prefix of store keys by default: short, so that a key fits Redis's 32-byte allocation. */
export const DEFAULT_REPLAY_KEY_PREFIX = 'whr:';

/** Prefix of store keys by default in the previous key layout, whose keys a claim still checks. */
export const PREVIOUS_DEFAULT_REPLAY_KEY_PREFIX = 'webhook-replay:';

/** How long a claim or a release may wait for the store by default. */
export const DEFAULT_REPLAY_CLAIM_TIMEOUT_MS = 1000;
