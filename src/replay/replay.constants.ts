/** How long a delivery id is remembered by default: 3 days, Stripe's retry window. */
export const DEFAULT_REPLAY_TTL_SECONDS = 3 * 24 * 60 * 60;

/** Prefix of store keys by default. */
export const DEFAULT_REPLAY_KEY_PREFIX = 'webhook-replay:';

/** How long a claim or a release may wait for the store by default. */
export const DEFAULT_REPLAY_CLAIM_TIMEOUT_MS = 1000;
