import type { ReplayStore } from '../../src/index.js';

/** A store under test, and how to let time pass for it. */
export interface ReplayStoreHarness {
  readonly store: ReplayStore;
  /** Lets `ms` milliseconds pass, by the store's clock. */
  elapse(ms: number): Promise<void>;
}

const HOUR = 60 * 60 * 1000;

/**
 * The behaviour every ReplayStore must have. Each shipped store runs it;
 * run it against your own store too.
 */
export function describeReplayStoreContract(name: string, createHarness: () => Promise<ReplayStoreHarness>): void {
  describe(`${name} (ReplayStore contract)`, () => {
    let harness: ReplayStoreHarness;
    let store: ReplayStore;
    let n = 0;
    const key = (label: string) => `contract:${process.pid}:${Date.now()}:${n++}:${label}`;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });

    it('claims a new key once: the second claim of the same key fails', async () => {
      const k = key('once');
      await expect(store.claim(k, 'a', HOUR)).resolves.toBe(true);
      await expect(store.claim(k, 'b', HOUR)).resolves.toBe(false);
      await expect(store.claim(k, 'a', HOUR)).resolves.toBe(false);
    });

    it('keeps keys apart', async () => {
      const [k1, k2] = [key('one'), key('two')];
      await expect(store.claim(k1, 'a', HOUR)).resolves.toBe(true);
      await expect(store.claim(k2, 'a', HOUR)).resolves.toBe(true);
    });

    it('gives exactly one of 50 concurrent claims of one key', async () => {
      const k = key('race');
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.claim(k, `t${i}`, HOUR)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('frees a key on release with the claim token, so it can be claimed again', async () => {
      const k = key('release');
      await store.claim(k, 'a', HOUR);
      await store.release(k, 'a');
      await expect(store.claim(k, 'b', HOUR)).resolves.toBe(true);
      await expect(store.claim(k, 'c', HOUR)).resolves.toBe(false);
    });

    it('ignores a release with another token', async () => {
      const k = key('foreign');
      await store.claim(k, 'a', HOUR);
      await store.release(k, 'b');
      await expect(store.claim(k, 'c', HOUR)).resolves.toBe(false);
    });

    it('accepts the release of a key that was never claimed', async () => {
      const k = key('missing');
      await expect(store.release(k, 'a')).resolves.toBeUndefined();
      await expect(store.claim(k, 'a', HOUR)).resolves.toBe(true);
    });

    it('forgets a claim once its TTL has passed', async () => {
      const k = key('ttl');
      await store.claim(k, 'a', 5);
      await harness.elapse(50);
      await expect(store.claim(k, 'b', HOUR)).resolves.toBe(true);
      await expect(store.claim(k, 'c', HOUR)).resolves.toBe(false);
    });

    it('does not let a late release of an expired claim free the claim that replaced it', async () => {
      const k = key('late');
      await store.claim(k, 'slow', 5);
      await harness.elapse(50);
      await expect(store.claim(k, 'next', HOUR)).resolves.toBe(true);
      await store.release(k, 'slow');
      await expect(store.claim(k, 'third', HOUR)).resolves.toBe(false);
    });

    it('keeps a settled claim as a duplicate until its TTL has passed', async () => {
      const [k, short] = [key('settled'), key('settled-ttl')];
      await store.claim(k, 'a', HOUR);
      await store.settle!(k, 'a');
      await expect(store.claim(k, 'b', HOUR)).resolves.toBe(false);
      await store.claim(short, 'a', 40);
      await store.settle!(short, 'a');
      await harness.elapse(80);
      await expect(store.claim(short, 'b', HOUR)).resolves.toBe(true);
    });

    it('does not release a settled claim, and does not settle one it does not hold', async () => {
      const [k, other] = [key('settled-release'), key('settle-foreign')];
      await store.claim(k, 'a', HOUR);
      await store.settle!(k, 'a');
      await store.release(k, 'a');
      await expect(store.claim(k, 'b', HOUR)).resolves.toBe(false);
      await store.claim(other, 'a', HOUR);
      await store.settle!(other, 'b');
      await store.release(other, 'a');
      await expect(store.claim(other, 'c', HOUR)).resolves.toBe(true);
    });

    it('refuses a claim while the previous key of the delivery is recorded, and records nothing then', async () => {
      const [k, previous] = [key('new'), key('previous')];
      await store.claim(previous, 'old', HOUR); // what the previous release did
      await expect(store.claim(k, 'a', HOUR, previous)).resolves.toBe(false);
      await store.release(previous, 'old');
      await expect(store.claim(k, 'b', HOUR, previous)).resolves.toBe(true);
      await expect(store.claim(previous, 'c', HOUR)).resolves.toBe(true);
    });

    it('claims once among concurrent claims that name a previous key that is not there', async () => {
      const [k, previous] = [key('race-new'), key('race-previous')];
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claim(k, `t${i}`, HOUR, previous)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('keeps a claim until its TTL has passed', async () => {
      const k = key('live');
      await store.claim(k, 'a', HOUR);
      await harness.elapse(50);
      await expect(store.claim(k, 'b', HOUR)).resolves.toBe(false);
    });
  });
}
