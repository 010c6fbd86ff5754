import type { Cluster, Redis } from 'ioredis';
import { RedisReplayStore } from '../../src/index.js';
import { connect, connectCluster, freePort, redisClusterNodes, redisUrl } from './redis-server.js';
import { describeReplayStoreContract } from './replay-store.contract.js';

const clients: (Redis | Cluster)[] = [];
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

describeReplayStoreContract('RedisReplayStore on a Redis Cluster of 3 masters', async () => {
  const cluster = connectCluster(redisClusterNodes());
  clients.push(cluster);
  return { store: new RedisReplayStore(cluster), elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
});

describe('RedisReplayStore on a Redis Cluster', () => {
  it('spreads keys over every master: claims and releases each name one key', async () => {
    const cluster = connectCluster(redisClusterNodes());
    clients.push(cluster);
    const store = new RedisReplayStore(cluster);
    const keys = Array.from({ length: 30 }, (_, i) => `cluster-spec:${process.pid}:${Date.now()}:${i}`);
    expect(await Promise.all(keys.map((k) => store.claim(k, 'mine', 60_000)))).toEqual(keys.map(() => true));
    expect(await Promise.all(keys.map((k) => store.claim(k, 'theirs', 60_000)))).toEqual(keys.map(() => false));
    const owners = new Set(
      await Promise.all(keys.map(async (k) => String(await cluster.cluster('KEYSLOT', k)))).then((slots) => slots.map((slot) => masterOf(Number(slot)))),
    );
    expect(owners.size).toBe(3);
    await Promise.all(keys.map((k) => store.release(k, 'mine')));
    expect(await Promise.all(keys.map((k) => cluster.exists(k)))).toEqual(keys.map(() => 0));
  });

  /** Index of the master serving `slot`, after redis-cli's even split of 16384 slots over 3. */
  function masterOf(slot: number): number {
    return slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
  }
});

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

  it('settles a claim to the one-byte value 1, keeping its TTL, only with the claim token', async () => {
    const redis = client();
    const store = new RedisReplayStore(redis);
    const k = key('settle');
    await store.claim(k, 'token-1', 60_000);
    await store.settle(k, 'token-2');
    expect(await redis.get(k)).toBe('token-1');
    await store.settle(k, 'token-1');
    expect(await redis.get(k)).toBe('1');
    const ttl = await redis.pttl(k);
    expect(ttl).toBeGreaterThan(50_000);
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

  /**
   * A client logged in as a Redis user that may not run `denied` (in scripts too), as an ACL
   * that forbids a command makes Redis refuse it while every other command goes through.
   */
  async function clientDenied(denied: string): Promise<Redis> {
    const user = `replay-spec-${process.pid}-${denied}`;
    await client().acl('SETUSER', user, 'reset', 'on', 'nopass', '~*', '+@all', `-${denied}`);
    const url = new URL(redisUrl());
    url.username = user;
    url.password = 'any';
    return client(url.toString());
  }

  it('claims a delivery without a previous key with its SET alone', async () => {
    const store = new RedisReplayStore(await clientDenied('eval'));
    expect(await store.claim(key('no-previous'), 't', 60_000)).toBe(true);
  });

  it('rejects a claim whose SET fails, even when the previous key is free, rather than report it claimed already', async () => {
    const store = new RedisReplayStore(await clientDenied('set'));
    await expect(store.claim(key('set-fails'), 't', 60_000, key('set-fails-previous'))).rejects.toThrow(/NOPERM/);
  });

  it('rejects a claim whose check of the previous key fails, and takes the new claim back', async () => {
    const redis = client();
    const store = new RedisReplayStore(await clientDenied('exists'));
    const k = key('check-fails');
    await expect(store.claim(k, 't', 60_000, key('check-fails-previous'))).rejects.toThrow(/can't run this command/);
    expect(await redis.exists(k)).toBe(0);
  });
});
