import type { ReplayStore } from './replay-store.interface.js';

/**
 * Replay protection: each delivery id is handled once. Set it module-wide
 * (`forRoot({ replay })`) for every provider, or per provider, where its
 * fields override the module's and `false` turns it off.
 */
export interface ReplayOptions {
  /**
   * Where delivery ids are recorded. Behind a load balancer, give a store
   * that every instance shares, such as a `RedisReplayStore`.
   * @default the module's store: an in-memory `MemoryReplayStore` unless `forRoot({ replay: { store } })` names one
   */
  store?: ReplayStore;

  /**
   * How long a delivery id is remembered, in seconds. Cover the sender's
   * retry schedule (Stripe retries for 3 days). It must be at least twice the
   * provider's timestamp tolerance, or startup fails: a signed timestamp is
   * accepted that far either side of now.
   * @default 259200 (3 days)
   */
  ttlSeconds?: number;

  /**
   * The answer to a duplicate, whose handler does not run: `'acknowledge'`
   * gives 200 with an empty body, so the sender stops retrying;
   * `'conflict'` gives 409.
   * @default 'acknowledge'
   */
  onDuplicate?: 'acknowledge' | 'conflict';

  /**
   * What happens when the store fails (Redis down): `false` answers 503 and
   * logs an error, so no delivery runs unchecked and the sender retries
   * later; `true` runs the handler without the check and logs a warning.
   * @default false
   */
  failOpen?: boolean;

  /**
   * Longest wait for the store to answer a claim or a release, in
   * milliseconds. A claim that takes longer counts as a store failure (503,
   * or unchecked with `failOpen`), so a store that hangs cannot hang
   * webhook requests; a release that takes longer is logged as failed, and
   * the failure response goes out. Give your Redis client a
   * `commandTimeout` as well, so that it drops such commands itself.
   * @default 1000
   */
  claimTimeoutMs?: number;

  /**
   * Prefix of every store key, before `<provider>:`. Give each app its own
   * when several share one Redis.
   * @default 'webhook-replay:'
   */
  keyPrefix?: string;
}

/** Replay options of one provider after validation, with defaults filled in. */
export interface ResolvedReplayOptions {
  /** Where claims are kept. */
  readonly store: ReplayStore;
  /** How long a claim lasts, in milliseconds. */
  readonly ttlMs: number;
  /** How a duplicate is answered: 200 with an empty body, or 409. */
  readonly onDuplicate: 'acknowledge' | 'conflict';
  /** Whether a failing store lets the handler run unchecked. */
  readonly failOpen: boolean;
  /** Longest wait for a claim or a release, in milliseconds. */
  readonly claimTimeoutMs: number;
  /** Prefix of every store key. */
  readonly keyPrefix: string;
}
