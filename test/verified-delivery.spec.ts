import { jest } from '@jest/globals';
import { markVerified, verifiedDelivery, type VerifiedDelivery } from '../src/verified-delivery.js';

describe('the mark of a verified request', () => {
  const delivery = { provider: { name: 'stripe' }, webhook: {} } as unknown as VerifiedDelivery;

  it('is read back from the same request object, and from no other', () => {
    const request = {};
    markVerified(request, delivery);
    expect(verifiedDelivery(request)).toBe(delivery);
    expect(verifiedDelivery({})).toBeUndefined();
  });

  it('leaves the request object as it was: no property a handler, a serialiser or a client could see or set', () => {
    const request = { headers: {} };
    markVerified(request, delivery);
    expect(Reflect.ownKeys(request)).toEqual(['headers']);
  });

  it('is shared by a second copy of the module, as an ESM and a CommonJS copy of the package in one process are', async () => {
    const request = {};
    markVerified(request, delivery);
    let copy: typeof import('../src/verified-delivery.js') | undefined;
    await jest.isolateModulesAsync(async () => {
      copy = await import('../src/verified-delivery.js');
    });
    expect(copy!.verifiedDelivery).not.toBe(verifiedDelivery);
    expect(copy!.verifiedDelivery(request)).toBe(delivery);
  });
});

describe('the shared table of verified requests, found on globalThis holding something else', () => {
  const VERIFIED = Symbol.for('nestjs-webhook-security:verified');
  const holder = globalThis as { [VERIFIED]?: unknown };
  let shared: unknown;

  beforeEach(() => {
    shared = holder[VERIFIED];
  });
  afterEach(() => {
    holder[VERIFIED] = shared;
  });

  const load = () =>
    jest.isolateModulesAsync(async () => {
      await import('../src/verified-delivery.js');
    });

  // A Map would keep every request and its body for the life of the process; an object without
  // `get` and `set` would fail each verified request with a bare TypeError.
  it.each([
    ['a Map', new Map()],
    ['a WeakSet', new WeakSet()],
    ['a plain object', {}],
    ['an object that only looks like a WeakMap', { get: () => undefined, set: () => undefined, [Symbol.toStringTag]: 'WeakMap' }],
  ])('fails the import with an error that names the key, for %s', async (_what, value) => {
    holder[VERIFIED] = value;
    await expect(load()).rejects.toThrow(
      expect.objectContaining({
        name: 'TypeError',
        message: expect.stringContaining("globalThis[Symbol.for('nestjs-webhook-security:verified')]"),
      }),
    );
  });

  it('loads when the key is free, and fills it with the WeakMap the next copy shares', async () => {
    delete holder[VERIFIED];
    await load();
    expect(holder[VERIFIED]).toBeInstanceOf(WeakMap);
  });
});
