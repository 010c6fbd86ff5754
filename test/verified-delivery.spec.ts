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

  it('is never read from a prototype, which every request of an app shares', () => {
    const shared = Object.create(null) as object;
    markVerified(shared, delivery);
    expect(verifiedDelivery(Object.create(shared) as object)).toBeUndefined();
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
