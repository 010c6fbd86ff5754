import type { Redis } from 'ioredis';
import { RedisReplayStore } from '../../src/index.js';
import { connect, freePort, redisUrl } from './redis-server.js';
import { describeReplayStoreContract } from './replay-store.contract.js';

const clients: Redis[] = [];
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
});

function client(url = redisUrl()): Redis {
  const redis = connect(url);
  clients.push(redis);
  return redis;
}

describeReplayStoreContract('RedisReplayStore', async () => ({
  store: new RedisReplayStore(client()),
  elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}));

describe('RedisReplayStore on a real Redis', () => {
  const key = (label: string) => `redis-spec:${process.pid}:${Date.now()}:${label}`;

  it('stores the token under the key, with the TTL in milliseconds', async () => {
    const redis = client();
    const store = new RedisReplayStore(redis);
    const k = key('ttl');
    await store.claim(k, 'token-1', 60_000);
    expect(await redis.get(k)).toBe('token-1');
    const ttl = await redis.pttl(k);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('shares claims between clients, as app instances do', async () => {
    const [a, b] = [new RedisReplayStore(client()), new RedisReplayStore(client())];
    const k = key('shared');
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).claim(k, `t${i}`, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('deletes on release only the key that holds the token', async () => {
    const redis = client();
    const store = new RedisReplayStore(redis);
    const k = key('release');
    await store.claim(k, 'mine', 60_000);
    await store.release(k, 'theirs');
    expect(await redis.get(k)).toBe('mine');
    await store.release(k, 'mine');
    expect(await redis.exists(k)).toBe(0);
  });

  it('rejects, never hangs, when Redis cannot be reached', async () => {
    const store = new RedisReplayStore(client(`redis://127.0.0.1:${await freePort()}`));
    await expect(store.claim(key('down'), 't', 60_000)).rejects.toThrow();
    await expect(store.release(key('down'), 't')).rejects.toThrow();
  });
});
