import { MemoryReplayStore, type ReplayOptions, type ReplayStore, type WebhookVerifier } from '../../src/index.js';
import { checkReplayVerifier, resolveReplayOptions } from '../../src/replay/replay-options.resolver.js';
import type { ResolvedWebhookProvider } from '../../src/webhook-security-options.interface.js';

const store = new MemoryReplayStore();
const DAY = 24 * 60 * 60;

/** The options of provider 'p' with a 300 s timestamp tolerance and no retention of its own. */
const resolve = (provider: ReplayOptions | false | undefined, module: ReplayOptions | undefined = {}, moduleStore: ReplayStore = store) =>
  resolveReplayOptions('p', provider, module, moduleStore, 300);
/** The startup error for these options, as the operator reads it. */
const errorOf = (provider: ReplayOptions | undefined, module: ReplayOptions | undefined = {}, moduleStore: ReplayStore = store) => {
  try {
    resolve(provider, module, moduleStore);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('resolveReplayOptions', () => {
  it('is off when neither the module nor the provider turns it on, or when the provider sets replay: false', () => {
    expect(resolveReplayOptions('p', undefined, undefined, store, 300)).toBeUndefined();
    expect(resolve(false, {})).toBeUndefined();
    expect(resolve(false, { ttlSeconds: DAY })).toBeUndefined();
    expect(resolveReplayOptions('p', {}, undefined, store, 300)).toBeDefined();
    expect(resolve(undefined, {})).toBeDefined();
  });

  it('fills in the defaults', () => {
    expect(resolve(undefined, {})).toEqual({
      store,
      ttlMs: 3 * DAY * 1000,
      onDuplicate: 'acknowledge',
      failOpen: false,
      claimTimeoutMs: 1000,
      keyPrefix: 'whr:',
      previousKeyPrefix: 'webhook-replay:',
    });
  });

  it("takes each field from the provider over the module's, and the rest from the module", () => {
    const own = new MemoryReplayStore();
    const module: ReplayOptions = { ttlSeconds: DAY, onDuplicate: 'conflict', failOpen: true, claimTimeoutMs: 250, keyPrefix: 'm:' };
    expect(resolve({ store: own, ttlSeconds: 2 * DAY, keyPrefix: 'p:' }, module)).toEqual({
      store: own,
      ttlMs: 2 * DAY * 1000,
      onDuplicate: 'conflict',
      failOpen: true,
      claimTimeoutMs: 250,
      keyPrefix: 'p:',
      previousKeyPrefix: 'p:',
    });
    expect(resolve({ onDuplicate: 'acknowledge', failOpen: false, claimTimeoutMs: 2 ** 31 - 1 }, module)).toMatchObject({
      store,
      ttlMs: DAY * 1000,
      onDuplicate: 'acknowledge',
      failOpen: false,
      claimTimeoutMs: 2 ** 31 - 1,
    });
  });

  it('runs the handler unchecked on a store failure only for failOpen: true itself', () => {
    expect(resolve({ failOpen: 'yes' as never })?.failOpen).toBe(false);
  });

  it('rounds a TTL of a fraction of a millisecond up', () => {
    expect(resolve({ ttlSeconds: 600.0005 })?.ttlMs).toBe(600_001);
  });

  it('accepts a TTL of exactly twice the timestamp tolerance, and an empty key prefix', () => {
    expect(resolve({ ttlSeconds: 600, keyPrefix: '' })).toMatchObject({ ttlMs: 600_000, keyPrefix: '', previousKeyPrefix: '' });
  });

  it("falls back to 3 days for a custom verifier's retention that is not a positive number", () => {
    for (const retention of [0, -1, Number.POSITIVE_INFINITY, Number.NaN, '3600' as never]) {
      expect(resolveReplayOptions('p', undefined, {}, store, 300, retention)?.ttlMs).toBe(3 * DAY * 1000);
    }
    expect(resolveReplayOptions('p', undefined, {}, store, 300, 1000)?.ttlMs).toBe(1000 * 1000);
  });

  it.each<[string, ReplayOptions | undefined, ReplayOptions | undefined, ReplayStore | undefined, string]>([
    [
      'a store without claim()',
      { store: { release: async () => {} } as never },
      {},
      undefined,
      "Webhook provider 'p': replay.store must be a ReplayStore with claim() and release(), such as new MemoryReplayStore() or new RedisReplayStore(redis).",
    ],
    [
      'a store without release()',
      { store: { claim: async () => true } as never },
      {},
      undefined,
      "'p': replay.store must be a ReplayStore with claim() and release()",
    ],
    ['a TTL of zero', { ttlSeconds: 0 }, {}, undefined, "Webhook provider 'p': replay.ttlSeconds must be a positive number of seconds."],
    ['a negative TTL', { ttlSeconds: -600 }, {}, undefined, "'p': replay.ttlSeconds must be a positive number of seconds."],
    ['an infinite TTL', { ttlSeconds: Number.POSITIVE_INFINITY }, {}, undefined, "'p': replay.ttlSeconds must be a positive number of seconds."],
    [
      'a TTL just under twice the tolerance',
      { ttlSeconds: 599.9 },
      {},
      undefined,
      "Webhook provider 'p': replay.ttlSeconds must be at least twice the timestamp tolerance (600 s), or a replay inside the tolerance outlives its claim.",
    ],
    [
      'an unknown onDuplicate',
      { onDuplicate: 'drop' as never },
      {},
      undefined,
      "Webhook provider 'p': replay.onDuplicate must be 'acknowledge' or 'conflict'.",
    ],
    [
      'a key prefix that is not a string',
      { keyPrefix: 7 as never },
      {},
      undefined,
      "Webhook provider 'p': replay.keyPrefix must be a string, e.g. 'billing:'.",
    ],
    [
      'a claim timeout past the longest timer',
      { claimTimeoutMs: 2 ** 31 },
      {},
      undefined,
      "Webhook provider 'p': replay.claimTimeoutMs must be a positive number of milliseconds, e.g. 1000.",
    ],
    ['an infinite claim timeout', { claimTimeoutMs: Number.POSITIVE_INFINITY }, {}, undefined, "'p': replay.claimTimeoutMs must be a positive number"],
    ['a zero claim timeout', { claimTimeoutMs: 0 }, {}, undefined, "'p': replay.claimTimeoutMs must be a positive number"],
    ['a bad option set on the module only', undefined, { onDuplicate: 'drop' as never }, undefined, "'p': replay.onDuplicate must be"],
  ])('stops startup on %s, naming the option and what it must be', (_name, provider, module, moduleStore, message) => {
    expect(errorOf(provider, module, moduleStore ?? store)).toContain(message);
  });

  it('stops startup when there is no store at all', () => {
    expect(() => resolveReplayOptions('p', {}, {}, undefined as never, 300)).toThrow("'p': replay.store must be a ReplayStore with claim() and release()");
  });
});

describe('checkReplayVerifier', () => {
  const withId: WebhookVerifier = { verify: () => ({ verified: true }), deliveryId: () => 'id' };
  const withoutId: WebhookVerifier = { verify: () => ({ verified: true }) };
  const needsReplay: WebhookVerifier = { ...withId, requiresReplay: 'its signature covers a few fields only' };
  const provider = (verifier: WebhookVerifier, replay: boolean) =>
    ({ name: 'p', verifier, replay: replay ? resolve({}) : undefined }) as unknown as ResolvedWebhookProvider;

  it('accepts replay on with a verifier that gives delivery ids, and replay off for a scheme that does not need it', () => {
    expect(() => checkReplayVerifier(provider(withId, true))).not.toThrow();
    expect(() => checkReplayVerifier(provider(needsReplay, true))).not.toThrow();
    expect(() => checkReplayVerifier(provider(withId, false))).not.toThrow();
    expect(() => checkReplayVerifier(provider(withoutId, false))).not.toThrow();
  });

  it('stops startup when replay is off for a scheme that needs it, saying why and how to turn it on', () => {
    expect(() => checkReplayVerifier(provider(needsReplay, false))).toThrow(
      "Webhook provider 'p': replay must be on for this scheme (its signature covers a few fields only): set replay: {} for the in-memory store, or a shared store.",
    );
  });

  it('stops startup when replay is on for a verifier without deliveryId()', () => {
    expect(() => checkReplayVerifier(provider(withoutId, true))).toThrow(
      "Webhook provider 'p': verifier must be a verifier with a deliveryId(request) method to use replay protection (or set replay: false for this provider).",
    );
  });
});
