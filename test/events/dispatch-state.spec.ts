import { WebhookEventDispatcher, type WebhookEventHandler } from '../../src/events/webhook-event-dispatcher.js';
import { jsonString, parsedJson, sharingParses } from '../../src/utils/delivery-id.js';
import { markVerified, verifiedDelivery } from '../../src/verified-delivery.js';
import type { WebhookRequest } from '../../src/verifiers/webhook-verifier.interface.js';
import { WebhookSecurityMisconfiguredException } from '../../src/webhook-security.exceptions.js';
import type { ResolvedWebhookProvider, ResolvedWebhookSecurityOptions } from '../../src/webhook-security-options.interface.js';

/** A provider whose verifier reads the type from the body's `type`, as Stripe's does. */
function provider(name: string): ResolvedWebhookProvider {
  return { name, verifier: { eventType: (webhook: WebhookRequest) => jsonString(webhook.rawBody, ['type']) } } as unknown as ResolvedWebhookProvider;
}

function dispatcher(calls: unknown[][]): WebhookEventDispatcher {
  const events = new WebhookEventDispatcher({ events: { unhandled: 200 } } as unknown as ResolvedWebhookSecurityOptions);
  const handler: WebhookEventHandler = {
    name: 'Billing.paid()',
    provider: 'stripe',
    types: ['invoice.paid'],
    call: (event, context) => calls.push([event, context.provider]),
  };
  events.register([handler]);
  return events;
}

function verified(name: string, body: string): object {
  const request = {};
  markVerified(request, provider(name), { rawBody: Buffer.from(body), headers: {}, url: '', method: 'POST' });
  return request;
}

describe('the dispatch state of a verified request', () => {
  const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'in_1' } });

  it('goes to its handlers once, however many dispatching parameters the route has', async () => {
    const calls: unknown[][] = [];
    const events = dispatcher(calls);
    const request = verified('stripe', body);
    await events.dispatch(request, 'stripe');
    await events.dispatch(request, 'stripe');
    expect(calls).toEqual([[{ type: 'invoice.paid', data: { id: 'in_1' } }, 'stripe']]);
    expect(verifiedDelivery(request)!.dispatched).toBe(true);
  });

  it('is dispatched when a polluted Object.prototype has a `dispatched` property', async () => {
    const calls: unknown[][] = [];
    const events = dispatcher(calls);
    Object.defineProperty(Object.prototype, 'dispatched', { value: true, configurable: true, writable: true });
    try {
      await events.dispatch(verified('stripe', body), 'stripe');
    } finally {
      delete (Object.prototype as { dispatched?: unknown }).dispatched;
    }
    expect(calls).toHaveLength(1);
  });

  it('is read as the provider the guard verified, on every read: a read for another provider after the dispatch is a 500', async () => {
    const events = dispatcher([]);
    const request = verified('stripe', body);
    await events.dispatch(request, 'stripe');
    expect(() => events.verifiedEvent(request, 'github')).toThrow(WebhookSecurityMisconfiguredException);
    expect(() => events.verifiedEvent(request, 'stripe')).not.toThrow();
  });

  it('is a 500 for a request the guard did not mark, and one whose mark is only on its prototype', async () => {
    const events = dispatcher([]);
    const marked = verified('stripe', body);
    await expect(events.dispatch({}, 'stripe')).rejects.toThrow(WebhookSecurityMisconfiguredException);
    await expect(events.dispatch(Object.create(marked) as object, 'stripe')).rejects.toThrow(WebhookSecurityMisconfiguredException);
  });
});

describe('parsedJson, on short bodies and the byte order mark', () => {
  /** What the app's JSON parser reads: the text after one leading UTF-8 byte order mark. */
  function reference(bytes: Buffer): { value: unknown } | undefined {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(0, 3).equals(bom) ? bytes.subarray(3) : bytes;
    try {
      return { value: JSON.parse(text.toString('utf8')) as unknown };
    } catch {
      return undefined;
    }
  }

  const pieces = [
    [],
    [0xef],
    [0xef, 0xbb],
    [0xef, 0xbb, 0xbf],
    [0xbb, 0xbf],
    [0xef, 0xbf, 0xbb],
    [0x31],
    [0x20, 0x31],
    [0x7b, 0x7d],
    [0x22, 0xef, 0xbb, 0xbf, 0x22],
  ];
  const bodies = pieces.flatMap((a) => pieces.map((b) => Buffer.from([...a, ...b])));

  it('reads each body of 0 to 10 bytes as the app parser does, in and out of a shared scope', () => {
    for (const bytes of bodies) {
      expect([bytes.toString('hex'), parsedJson(bytes)]).toEqual([bytes.toString('hex'), reference(bytes)]);
      expect([bytes.toString('hex'), sharingParses(() => [parsedJson(bytes), parsedJson(bytes)])]).toEqual([
        bytes.toString('hex'),
        [reference(bytes), reference(bytes)],
      ]);
    }
  });

  it('skips one byte order mark and no more: two of them are not JSON', () => {
    expect(parsedJson(Buffer.from([0xef, 0xbb, 0xbf, 0x31]))).toEqual({ value: 1 });
    expect(parsedJson(Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x31]))).toBeUndefined();
    expect(parsedJson(Buffer.from([0xef, 0xbb, 0xbf]))).toBeUndefined();
  });

  it('skips nothing of a body whose first three bytes are only part of the mark: what follows them is not read as the body', () => {
    // Each would parse as its last digit if the three bytes before it were skipped.
    for (const bytes of [
      [0xef, 0x31, 0x32, 0x33],
      [0x31, 0xbb, 0xbf, 0x32],
      [0xef, 0x31, 0xbf, 0x32],
      [0x31, 0x31, 0xbf, 0x32],
      [0xef, 0xbb, 0x31, 0x32],
    ]) {
      expect([bytes, parsedJson(Buffer.from(bytes))]).toEqual([bytes, undefined]);
    }
  });

  it('shares a parse only with the same buffer: another body in the same scope, even of the same bytes, is parsed for itself', () => {
    sharingParses(() => {
      const first = Buffer.from('{"type":"a"}');
      const second = Buffer.from('{"type":"b"}');
      const copy = Buffer.from(first);
      expect(parsedJson(first)).toEqual({ value: { type: 'a' } });
      expect(parsedJson(second)).toEqual({ value: { type: 'b' } });
      expect(parsedJson(first)).toEqual({ value: { type: 'a' } });
      expect(parsedJson(copy)!.value).not.toBe(parsedJson(first)!.value);
      expect(parsedJson(Buffer.from('not json'))).toBeUndefined();
      expect(parsedJson(first)).toEqual({ value: { type: 'a' } });
    });
  });

  it('shares the parse of a body inside a scope, and never outside one', () => {
    const bytes = Buffer.from('{"a":1}');
    sharingParses(() => expect(parsedJson(bytes)!.value).toBe(parsedJson(bytes)!.value));
    expect(parsedJson(bytes)!.value).not.toBe(parsedJson(bytes)!.value);
  });
});
