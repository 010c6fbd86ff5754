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
 * A {@link ReplayStore} in Redis, shared by every app instance that uses the
 * same Redis: a claim is `SET key token PX ttl NX`, atomic on the server, and
 * a release deletes the key only if it still holds the claim's token.
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

  async claim(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(key, token, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }

  async release(key: string, token: string): Promise<void> {
    await this.client.eval(RELEASE_SCRIPT, 1, key, token);
  }
}
