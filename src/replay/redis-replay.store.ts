import type { ReplayStore } from './replay-store.interface.js';

/**
 * The two commands {@link RedisReplayStore} sends. An `ioredis` client
 * fits as it is; so does any client with the same two methods.
 */
export interface RedisReplayClient {
  /** `SET key value PX ttl NX`: resolves `'OK'` when set, `null` when the key exists. */
  set(key: string, value: string, expiry: 'PX', milliseconds: number, condition: 'NX'): Promise<'OK' | null>;
  /** `EVAL script numkeys key arg`. */
  eval(script: string, numberOfKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/**
 * Deletes the key only while it holds our token, in one atomic step: a plain
 * `DEL` after a slow handler could delete a claim that expired and was since
 * taken by another delivery.
 */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Replaces our token with `'1'` and keeps the expiry, only while the key
 * holds the token. Redis stores `'1'` as a shared integer, so a settled claim
 * costs the key alone. `KEEPTTL` needs Redis 6.0 or later.
 */
const SETTLE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], '1', 'XX', 'KEEPTTL') end return 0`;

/** Whether a key of the previous layout is there. A script, so the client needs no third method. */
const EXISTS_SCRIPT = `return redis.call('EXISTS', KEYS[1])`;

/**
 * A {@link ReplayStore} in Redis, shared by every app instance that uses the
 * same Redis: a claim is `SET key token PX ttl NX`, atomic on the server; a
 * release deletes the key only if it still holds the claim's token; a
 * delivery that succeeded is settled to `'1'`, which keeps the key and its
 * expiry and drops the token. One round trip for the claim, one for the
 * release or the settle, and every command names one key, so it fits Redis
 * Cluster.
 *
 * Keys of the previous layout are checked, until one retention period after
 * the upgrade, with an `EXISTS` sent alongside the claim (the two keys may
 * sit on different cluster nodes): no extra round trip, and in the rare case
 * that the delivery was recorded under its previous key only, a second one
 * to take back the new claim.
 *
 * Bring your own client; the library has no Redis dependency.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * const store = new RedisReplayStore(new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1000 }));
 * WebhookSecurityModule.forRoot({ replay: { store }, providers: { ... } });
 * ```
 */
export class RedisReplayStore implements ReplayStore {
  constructor(private readonly client: RedisReplayClient) {}

  async claim(key: string, token: string, ttlMs: number, previousKey?: string): Promise<boolean> {
    const set = this.client.set(key, token, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    if (previousKey === undefined) return (await set) === 'OK';
    const [claimed, previous] = await Promise.allSettled([set, this.client.eval(EXISTS_SCRIPT, 1, previousKey)]);
    if (claimed.status === 'rejected') throw claimed.reason;
    if (claimed.value !== 'OK') return false;
    // Stryker disable next-line ConditionalExpression: a rejected check has no value, and Number(undefined) is NaN, never 0.
    if (previous.status === 'fulfilled' && Number(previous.value) === 0) return true;
    // Recorded under its previous key, or not known to be: take the new claim back,
    // so that a 503 on a failed check leaves nothing to block the sender's retry.
    await this.release(key, token);
    if (previous.status === 'rejected') throw previous.reason;
    return false;
  }

  async release(key: string, token: string): Promise<void> {
    await this.client.eval(RELEASE_SCRIPT, 1, key, token);
  }

  async settle(key: string, token: string): Promise<void> {
    await this.client.eval(SETTLE_SCRIPT, 1, key, token);
  }
}
