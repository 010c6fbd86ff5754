/**
 * Replay state in a real redis-server: bytes per claim and deliveries per
 * second, for the compact key layout and the previous one, in one run.
 *
 * Each layout writes `claims` deliveries through `RedisReplayStore` into an
 * emptied server, as the guard does under load (`concurrency` deliveries in
 * flight on one client):
 * - previous: `SET webhook-replay:<provider>:<sha256> <uuid> PX NX`, kept as
 *   it is, as the previous release left a claim after a 2xx;
 * - compact: `SET whr:<16-byte hash> <uuid> PX NX`, then settled to `'1'`;
 * - compact + previous-key check: the same, with the `EXISTS` of the
 *   previous key beside each claim, as for one retention after an upgrade.
 *
 * Bytes per claim are `used_memory` (INFO memory) after, less before, over
 * the number of claims: what the keyspace costs, allocator rounding included.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisReplayStore } from '../../src/replay/redis-replay.store.js';
import { previousReplayKey, replayKey } from '../../src/replay/webhook-delivery.js';
import { startRedisServer } from '../../test/replay/redis-server.js';
import { fixed, markdownTable } from '../lib/table.js';
import { check, type TargetCheck } from '../lib/targets.js';

/** Settings of the replay-memory phase. */
export interface ReplayMemorySettings {
  /** Deliveries written per layout. */
  readonly claims: number;
  /** Deliveries in flight at once. */
  readonly concurrency: number;
}

/** How one layout fared. */
export interface ReplayMemoryCase {
  readonly layout: string;
  readonly claims: number;
  readonly bytesPerClaim: number;
  /** Example key and the value it holds at the end. */
  readonly key: string;
  readonly value: string;
  readonly deliveriesPerSecond: number;
  /** Store round trips per delivery: a claim, and a settle where there is one. */
  readonly roundTripsPerDelivery: number;
}

/** The phase's results. */
export interface ReplayMemoryResult {
  readonly redis: string;
  readonly cases: readonly ReplayMemoryCase[];
}

/** Three days, the longest retention: every claim outlives the run. */
const TTL_MS = 3 * 24 * 60 * 60 * 1000;
const PROVIDER = 'stripe';

type Layout = { readonly name: string; readonly settles: boolean; write(store: RedisReplayStore, id: string): Promise<string> };

const LAYOUTS: readonly Layout[] = [
  {
    name: 'previous (sha256 key, token kept)',
    settles: false,
    async write(store, id) {
      const key = previousReplayKey('webhook-replay:', PROVIDER, id);
      await store.claim(key, randomUUID(), TTL_MS);
      return key;
    },
  },
  {
    name: 'compact (16-byte hash, settled to 1)',
    settles: true,
    async write(store, id) {
      const key = replayKey('whr:', PROVIDER, id);
      const token = randomUUID();
      if (await store.claim(key, token, TTL_MS)) await store.settle(key, token);
      return key;
    },
  },
  {
    name: 'compact + previous-key check',
    settles: true,
    async write(store, id) {
      const key = replayKey('whr:', PROVIDER, id);
      const token = randomUUID();
      if (await store.claim(key, token, TTL_MS, previousReplayKey('webhook-replay:', PROVIDER, id))) await store.settle(key, token);
      return key;
    },
  },
];

/** Starts a redis-server of its own, runs each layout into it, and stops it. */
export async function runReplayMemory(settings: ReplayMemorySettings): Promise<ReplayMemoryResult> {
  const server = await startRedisServer();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
    const cases: ReplayMemoryCase[] = [];
    for (const layout of LAYOUTS) cases.push(await runLayout(redis, layout, settings));
    return { redis: version, cases };
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

async function runLayout(redis: Redis, layout: Layout, { claims, concurrency }: ReplayMemorySettings): Promise<ReplayMemoryCase> {
  await redis.flushall();
  const store = new RedisReplayStore(redis);
  const before = await usedMemory(redis);
  const run = randomUUID();
  let next = 0;
  let key = '';
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < claims) key = await layout.write(store, `evt_${run}_${next++}`);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = await usedMemory(redis);
  return {
    layout: layout.name,
    claims,
    bytesPerClaim: (after - before) / claims,
    key,
    value: (await redis.get(key)) ?? '(none)',
    deliveriesPerSecond: claims / seconds,
    roundTripsPerDelivery: layout.settles ? 2 : 1,
  };
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
}

/** The Markdown table of the phase. */
export function replayMemoryTable({ cases }: ReplayMemoryResult): string {
  return markdownTable(
    ['layout', 'claims', 'bytes per claim', 'key length', 'value after', 'deliveries/s', 'round trips/s'],
    cases.map((c) => [
      c.layout,
      String(c.claims),
      fixed(c.bytesPerClaim, 1),
      String(c.key.length),
      JSON.stringify(c.value.length > 8 ? `${c.value.slice(0, 8)}…` : c.value),
      fixed(c.deliveriesPerSecond, 0),
      fixed(c.deliveriesPerSecond * c.roundTripsPerDelivery, 0),
    ]),
  );
}

/** About 120 bytes per claim or less with the compact layout, settled. */
export function replayMemoryTargets({ cases }: ReplayMemoryResult): TargetCheck[] {
  return cases.filter((c) => c.layout.startsWith('compact')).map((c) => check(`replay-memory ${c.layout} bytes/claim`, c.bytesPerClaim, 'max', 120));
}
