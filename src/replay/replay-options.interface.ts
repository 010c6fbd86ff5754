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
   * accepted that far either side of now. For a sender without a signed
   * timestamp (GitHub, Shopify, Twilio), it is also how long a captured
   * delivery is refused if replayed.
   * @default the sender's retry window (the verifier's `replayRetentionSeconds`: Stripe 3 days, Shopify 4 hours, Slack 10 minutes, see docs/replay.md), raised to twice the timestamp tolerance; 259200 (3 days) for a verifier that sets none
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
   * the failure response goes out. For a sender whose event type header is
   * unsigned (GitHub, Shopify), a claim is two store calls in a row, the
   * delivery's key and then the two keys that tie the body to that header,
   * and the limit covers both. Give your Redis client a `commandTimeout` as
   * well, so that it drops such commands itself.
   * @default 1000
   */
  claimTimeoutMs?: number;

  /**
   * Prefix of every store key, before 22 base64url characters that hash the
   * provider name and the delivery id. Give each app its own when several
   * share one Redis. Up to 6 characters, a key fits Redis's 32-byte
   * allocation; up to 22, the 48-byte one (16 bytes more per claim).
   * @default 'whr:'
   */
  keyPrefix?: string;

  /**
   * Whether a claim also checks the key the previous release of the library
   * gave the delivery (`<keyPrefix><provider>:<sha256>`, `webhook-replay:`
   * by default), so that deliveries recorded before an upgrade stay
   * duplicates. Set it to `false` once one retention period (`ttlSeconds`
   * as it was then, 3 days by default) has passed since every instance runs
   * this release, or if replay protection was never on before: the check
   * costs one `EXISTS` beside each claim, and nothing is left for it to find.
   * @default true
   */
  checkPreviousKeys?: boolean;
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
  /** Prefix of the previous key layout, whose keys a claim checks too; `undefined` when `checkPreviousKeys` is off. */
  readonly previousKeyPrefix: string | undefined;
}
