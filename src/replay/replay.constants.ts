/** How long a delivery id is remembered by default: 3 days, Stripe's retry window. */
export const DEFAULT_REPLAY_TTL_SECONDS = 3 * 24 * 60 * 60;

/** Prefix of store keys by default. */
export const DEFAULT_REPLAY_KEY_PREFIX = 'webhook-replay:';

/**
 * Request property under which the guard leaves the verified delivery for
 * the replay interceptor. `Symbol.for`, so an ESM and a CommonJS copy of the
 * package in one process share it.
 */
export const WEBHOOK_DELIVERY = Symbol.for('nestjs-webhook-security:delivery');
