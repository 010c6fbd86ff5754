import { jest } from '@jest/globals';
import { markVerified, verifiedDelivery } from '../src/verified-delivery.js';
import type { WebhookRequest } from '../src/verifiers/webhook-verifier.interface.js';
import type { ResolvedWebhookProvider } from '../src/webhook-security-options.interface.js';

describe('the mark of a verified request', () => {
  const provider = { name: 'stripe' } as ResolvedWebhookProvider;
  const webhook = {} as WebhookRequest;

  it('is read back from the same request object, not yet dispatched, and from no other', () => {
    const request = {};
    markVerified(request, provider, webhook);
    expect(verifiedDelivery(request)).toEqual({ provider, webhook, dispatched: false });
    expect(verifiedDelivery(request)!.provider).toBe(provider);
    expect(verifiedDelivery(request)!.webhook).toBe(webhook);
    expect(verifiedDelivery({})).toBeUndefined();
  });

  it('is never read from a prototype, which every request of an app shares', () => {
    const shared = Object.create(null) as object;
    markVerified(shared, provider, webhook);
    expect(verifiedDelivery(Object.create(shared) as object)).toBeUndefined();
  });

  it('is shared by a second copy of the module, as an ESM and a CommonJS copy of the package in one process are', async () => {
    const request = {};
    markVerified(request, provider, webhook);
    let copy: typeof import('../src/verified-delivery.js') | undefined;
    await jest.isolateModulesAsync(async () => {
      copy = await import('../src/verified-delivery.js');
    });
    expect(copy!.verifiedDelivery).not.toBe(verifiedDelivery);
    expect(copy!.verifiedDelivery(request)).toBe(verifiedDelivery(request));
    expect(copy!.verifiedDelivery(request)?.provider).toBe(provider);
  });
});
