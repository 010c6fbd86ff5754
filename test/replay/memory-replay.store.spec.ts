import { ConsoleLogger, Logger } from '@nestjs/common';
import { MemoryReplayStore } from '../../src/index.js';
import { CapturingLogger } from '../app/create-app.js';
import { describeReplayStoreContract } from './replay-store.contract.js';

/** A clock that moves only when told. */
function manualClock() {
  let now = 1_700_000_000_000;
  return { now: () => now, elapse: (ms: number) => void (now += ms) };
}

describeReplayStoreContract('MemoryReplayStore', async () => {
  const clock = manualClock();
  return {
    store: new MemoryReplayStore({ clock: clock.now }),
    elapse: async (ms) => clock.elapse(ms),
  };
});

describe('MemoryReplayStore previous keys', () => {
  it('refuses a claim while its previous key is live, and takes it from the moment that key expires', async () => {
    const clock = manualClock();
    const store = new MemoryReplayStore({ clock: clock.now });
    await store.claim('previous', 't', 1000);
    await expect(store.claim('new', 't', 1000, 'previous')).resolves.toBe(false);
    clock.elapse(1000);
    await expect(store.claim('new', 't', 1000, 'previous')).resolves.toBe(true);
  });
});

describe('MemoryReplayStore bounds', () => {
  it('holds at most maxEntries keys, dropping expired ones first', async () => {
    const clock = manualClock();
    const store = new MemoryReplayStore({ maxEntries: 3, clock: clock.now });
    await store.claim('short', 't', 10);
    await store.claim('long-1', 't', 60_000);
    await store.claim('long-2', 't', 60_000);
    clock.elapse(20);

    await expect(store.claim('new', 't', 60_000)).resolves.toBe(true);
    expect(store.size).toBe(3);
    await expect(store.claim('long-1', 't', 60_000)).resolves.toBe(false);
    await expect(store.claim('long-2', 't', 60_000)).resolves.toBe(false);
  });

  it('drops expired keys before a live one when TTLs differ, wherever the expired keys are', async () => {
    const clock = manualClock();
    const store = new MemoryReplayStore({ maxEntries: 3, clock: clock.now });
    await store.claim('long', 't', 60_000);
    await store.claim('short-1', 't', 10);
    await store.claim('short-2', 't', 10);
    clock.elapse(20);

    await expect(store.claim('new', 't', 60_000)).resolves.toBe(true);
    expect(store.size).toBe(2);
    await expect(store.claim('long', 't', 60_000)).resolves.toBe(false);
  });

  it('remembers the earliest expiry among live keys, wherever they sit, so the next sweep frees room before a live key goes', async () => {
    const clock = manualClock();
    const store = new MemoryReplayStore({ maxEntries: 4, clock: clock.now });
    for (const [key, ttl] of [
      ['long-1', 1000],
      ['short', 10],
      ['medium', 50],
      ['long-2', 1000],
    ] as const)
      await store.claim(key, 't', ttl);
    clock.elapse(20);
    await expect(store.claim('x', 't', 1000)).resolves.toBe(true); // short goes; medium, live, expires first
    clock.elapse(40);
    await expect(store.claim('y', 't', 1000)).resolves.toBe(true); // medium has expired: it goes, not long-1
    await expect(store.claim('long-1', 't', 1000)).resolves.toBe(false);
  });

  it('still finds a short-lived key that expired after a sweep found every key live', async () => {
    const clock = manualClock();
    const store = new MemoryReplayStore({ maxEntries: 3, clock: clock.now });
    for (const key of ['a', 'b', 'c']) await store.claim(key, 't', 1000);
    await store.claim('d', 't', 1000); // full and all live: the oldest, a, goes
    await store.claim('short', 't', 10); // still all live: b goes
    clock.elapse(20);

    await expect(store.claim('new', 't', 1000)).resolves.toBe(true); // short has expired: it goes, not c
    await expect(store.claim('c', 't', 1000)).resolves.toBe(false);
    await expect(store.claim('d', 't', 1000)).resolves.toBe(false);
    expect(store.size).toBe(3);
  });

  it('treats a claim as expired at exactly its expiry time, and live one millisecond before', async () => {
    const clock = manualClock();
    const store = new MemoryReplayStore({ clock: clock.now });
    await store.claim('k', 't', 1_000);
    clock.elapse(999);
    await expect(store.claim('k', 't2', 1_000)).resolves.toBe(false);
    clock.elapse(1);
    await expect(store.claim('k', 't2', 1_000)).resolves.toBe(true);
  });

  it('when full, drops a key expired at exactly now rather than an older live one', async () => {
    const clock = manualClock();
    const store = new MemoryReplayStore({ maxEntries: 2, clock: clock.now });
    await store.claim('live', 't', 60_000);
    await store.claim('short', 't', 10);
    clock.elapse(10);

    await expect(store.claim('new', 't', 60_000)).resolves.toBe(true);
    expect(store.size).toBe(2);
    await expect(store.claim('live', 't', 60_000)).resolves.toBe(false);
  });

  it('drops the oldest live key when none has expired', async () => {
    const store = new MemoryReplayStore({ maxEntries: 2 });
    await store.claim('first', 't', 60_000);
    await store.claim('second', 't', 60_000);
    await store.claim('third', 't', 60_000);

    expect(store.size).toBe(2);
    await expect(store.claim('second', 't', 60_000)).resolves.toBe(false);
    await expect(store.claim('third', 't', 60_000)).resolves.toBe(false);
    await expect(store.claim('first', 't', 60_000)).resolves.toBe(true);
  });

  it('stays bounded under many distinct keys', async () => {
    const store = new MemoryReplayStore({ maxEntries: 100 });
    for (let i = 0; i < 5_000; i++) await store.claim(`k${i}`, 't', 60_000);
    expect(store.size).toBe(100);
    await expect(store.claim('k4999', 't', 60_000)).resolves.toBe(false);
  });

  it('forgets every key on clear()', async () => {
    const store = new MemoryReplayStore();
    await store.claim('k', 't', 60_000);
    store.clear();
    await expect(store.claim('k', 't', 60_000)).resolves.toBe(true);
  });

  it('warns when it evicts a live key, at most once a minute, with the count since the last warning', async () => {
    const logger = new CapturingLogger();
    Logger.overrideLogger(logger);
    try {
      const clock = manualClock();
      const store = new MemoryReplayStore({ maxEntries: 2, clock: clock.now });
      await store.claim('a', 't', 600_000);
      await store.claim('b', 't', 600_000);
      expect(logger.lines).toEqual([]);
      for (const key of ['c', 'd', 'e']) await store.claim(key, 't', 600_000);
      clock.elapse(60_000);
      await store.claim('f', 't', 600_000);
      const warnings = logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/full \(maxEntries 2\): 1 delivery id\(s\) still within their TTL were forgotten/);
      expect(warnings[0]).toMatch(/so a replay of those would run again\. Raise maxEntries, or use a shared store such as RedisReplayStore\.$/);
      expect(warnings[1]).toMatch(/: 3 delivery id\(s\)/);
      expect(warnings.join('\n')).not.toMatch(/\b[a-f]\b'/);
    } finally {
      Logger.overrideLogger(new ConsoleLogger());
    }
  });

  it('does not warn when only expired keys are evicted', async () => {
    const logger = new CapturingLogger();
    Logger.overrideLogger(logger);
    try {
      const clock = manualClock();
      const store = new MemoryReplayStore({ maxEntries: 1, clock: clock.now });
      await store.claim('a', 't', 10);
      clock.elapse(20);
      await store.claim('b', 't', 10);
      expect(logger.lines).toEqual([]);
    } finally {
      Logger.overrideLogger(new ConsoleLogger());
    }
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxEntries %p', (maxEntries) => {
    expect(() => new MemoryReplayStore({ maxEntries })).toThrow(/maxEntries must be a positive whole number/);
  });
});
