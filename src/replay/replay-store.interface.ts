/**
 * Where delivery ids are recorded, so a delivery is handled once. Implement
 * it to keep them in a store the library does not ship (a SQL table, say);
 * its methods must be atomic across every app instance that shares the store.
 *
 * Keys come namespaced and hashed (`<keyPrefix><22 base64url characters>`):
 * they hold no secret and no request data, and a store may use them as they are.
 */
export interface ReplayStore {
  /**
   * Records `key` with `token` for `ttlMs` milliseconds, unless `key` is
   * already recorded and not yet expired. Must be atomic: of any number of
   * concurrent calls for one key, exactly one resolves `true`.
   *
   * `previousKey` is the key the previous release of the library gave the
   * same delivery (`<keyPrefix><provider>:<sha256>`). A store that holds keys
   * written by that release resolves `false` while `previousKey` is recorded,
   * and leaves `key` unrecorded then; it never records `previousKey`. It is
   * passed until `replay.checkPreviousKeys` is turned off, which is safe one
   * retention period after the upgrade. A store that starts empty may ignore it.
   *
   * @returns `true` if this call recorded the key (the delivery is new), `false` if it was there
   */
  claim(key: string, token: string, ttlMs: number, previousKey?: string): Promise<boolean>;

  /**
   * Forgets `key`, but only while it still holds `token`: a claim that
   * expired and was taken again by another delivery is left alone. Called
   * when the response to the delivery is not a 2xx (the handler threw, a
   * pipe rejected, the handler set a 4xx or 5xx), so that the sender's retry
   * is handled.
   */
  release(key: string, token: string): Promise<void>;

  /**
   * Marks `key` as handled, while it still holds `token`, keeping its expiry:
   * the token is needed only while the delivery runs, so a store may replace
   * it with something smaller (`RedisReplayStore` writes `'1'`). A settled key
   * is never released. Called after the response turned out a 2xx, without
   * holding that response. Optional: without it the claim stays as it is.
   */
  settle?(key: string, token: string): Promise<void>;
}

/**
 * Injection token of the module-wide {@link ReplayStore}: the `replay.store`
 * given to `forRoot()`, or the in-memory store the module creates. Inject it
 * to inspect or reset the store in tests.
 *
 * A fixed string, so every copy of the package loaded in one process (an ESM
 * and a CommonJS build) resolves the same provider.
 */
export const ReplayStore = 'nestjs-webhook-security:ReplayStore';
