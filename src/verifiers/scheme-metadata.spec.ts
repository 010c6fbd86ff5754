import { webhookRequest } from '../../test/support/webhook-request.js';
import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import { bodyDeliveryId, checkMetadata, describedDeliveryId, describedEventType, describedHandshakes } from './scheme-metadata.js';
import { VERIFIED, rejected, type WebhookChallenge, type WebhookRequest } from './webhook-verifier.interface.js';

// What a scheme description says beyond its signature: the delivery id and event type a request
// gets, the handshake members a verifier takes from it, and the startup checks of both fields.
const json = '{"event":{"id":"evt_1"},"action":"opened","type":"charge.completed"}';

describe('describedHandshakes', () => {
  const reply = { status: 200, contentType: 'text/plain', body: 'ok' };
  /** Accepts a request with the secret 'old' or 'older', one at a time. */
  const verifier = {
    verify: (_request: WebhookRequest, secrets: readonly string[]) =>
      secrets.length === 1 && ['old', 'older'].includes(secrets[0]!) ? VERIFIED : rejected('no_matching_signature'),
  };

  it('gives the unsigned event type headers: the only one, or all of several; none for a body-only type', () => {
    expect(describedHandshakes({ eventType: { header: 'x-event' } }, {}, verifier)).toStrictEqual({ unsignedEventTypeHeaders: ['x-event'] });
    expect(describedHandshakes({ eventType: { header: ['x-a', 'x-b'], json: ['action'] } }, {}, verifier)).toStrictEqual({
      unsignedEventTypeHeaders: ['x-a', 'x-b'],
    });
    expect(describedHandshakes({ eventType: { json: ['action'] } }, {}, verifier)).toStrictEqual({});
    expect(describedHandshakes({}, {}, verifier)).toStrictEqual({});
  });

  it('gives the retention, the handshake and a challenge that gets the verifier options', () => {
    const handshake = () => reply;
    const seen: unknown[] = [];
    const challenge = (...args: unknown[]) => (seen.push(args), reply);
    const options = { verifyToken: 'token-1' };
    const described = describedHandshakes({ replayRetentionSeconds: 600, handshake, challenge }, options, verifier);
    expect(Object.keys(described).sort()).toEqual(['challenge', 'handshake', 'replayRetentionSeconds']);
    expect(described.replayRetentionSeconds).toBe(600);
    expect(described.handshake!(webhookRequest('{}', {}), ['secret'])).toBe(reply);
    const request: WebhookChallenge = { query: new URLSearchParams('a=1'), headers: {} };
    expect(described.challenge!(request, ['secret'])).toBe(reply);
    expect(seen).toEqual([[request, ['secret'], options]]);
  });

  it('answers a handshake with the one secret the request verifies with, whichever a rotation lists first', () => {
    const seen: (readonly string[])[] = [];
    const handshake = (_request: WebhookRequest, secrets: readonly string[]) => (seen.push(secrets), reply);
    const described = describedHandshakes({ handshake }, {}, verifier);
    expect(described.handshake!(webhookRequest('{}', {}), ['new', 'old', 'older'])).toBe(reply);
    expect(described.handshake!(webhookRequest('{}', {}), ['new', 'old'])).toBe(reply);
    expect(described.handshake!(webhookRequest('{}', {}), ['old'])).toBe(reply);
    expect(seen).toEqual([['new', 'old', 'older'], ['old'], ['new', 'old'], ['old'], ['old']]);
    // No reply: no secret is tried.
    const none = describedHandshakes(
      { handshake: () => undefined },
      {},
      {
        verify: () => {
          throw new Error('no secret is tried without a reply');
        },
      },
    );
    expect(none.handshake!(webhookRequest('{}', {}), ['new', 'old'])).toBeUndefined();
  });

  it('keeps a retention of 0 seconds', () => {
    expect(describedHandshakes({ replayRetentionSeconds: 0 }, {}, verifier)).toStrictEqual({ replayRetentionSeconds: 0 });
  });
});

describe('describedDeliveryId', () => {
  it('reads a header, or a string in the body marked as an event id', () => {
    expect(describedDeliveryId({ header: 'x-delivery' }, webhookRequest(json, { 'x-delivery': 'd-1' }))).toBe('d-1');
    expect(describedDeliveryId({ header: 'x-delivery' }, webhookRequest(json, {}))).toBeUndefined();
    expect(describedDeliveryId({ json: ['event', 'id'] }, webhookRequest(json, { 'x-delivery': 'd-1' }))).toBe('event:evt_1');
  });

  it('gives none for a body without the id', () => {
    expect(describedDeliveryId({ json: ['event', 'id'] }, webhookRequest('{"event":{}}', {}))).toBeUndefined();
    expect(describedDeliveryId({ json: ['event', 'id'] }, webhookRequest('not json', {}))).toBeUndefined();
  });
});

describe('bodyDeliveryId', () => {
  it('is a hash of the body: the same for a retry, another for another body', () => {
    const id = bodyDeliveryId(webhookRequest(json, {}));
    expect(id).toMatch(/^signed:[\w-]{43}$/);
    expect(bodyDeliveryId(webhookRequest(json, { 'x-other': '1' }))).toBe(id);
    expect(bodyDeliveryId(webhookRequest('{}', {}))).not.toBe(id);
  });
});

describe('describedEventType', () => {
  const request = (headers: Record<string, string>, body = json): WebhookRequest => webhookRequest(body, headers);

  it('gives none without a description', () => {
    expect(describedEventType(undefined, request({ 'x-event': 'issues' }))).toBeUndefined();
  });

  it('reads the first header present of several, joined with the body part', () => {
    const both = { header: ['x-a', 'x-b'], json: ['action'] };
    expect(describedEventType(both, request({ 'x-b': 'issues' }))).toBe('issues.opened');
    expect(describedEventType(both, request({ 'x-a': 'pull', 'x-b': 'issues' }))).toBe('pull.opened');
    expect(describedEventType(both, request({ 'x-a': 'issues' }, '{}'))).toBe('issues');
  });

  it('reads a header alone or the body alone', () => {
    expect(describedEventType({ header: 'x-event' }, request({ 'x-event': 'issues' }))).toBe('issues');
    expect(describedEventType({ json: ['type'] }, request({ 'x-event': 'issues' }))).toBe('charge.completed');
    expect(describedEventType({ json: ['type'] }, request({}, '{}'))).toBeUndefined();
  });

  it('gives none for a header holding a dot, or for a missing header even when the body has its part', () => {
    expect(describedEventType({ header: 'x-event', json: ['action'] }, request({ 'x-event': 'issues.closed' }))).toBeUndefined();
    expect(describedEventType({ header: 'x-event' }, request({ 'x-event': 'issues.closed' }))).toBeUndefined();
    expect(describedEventType({ header: 'x-event', json: ['action'] }, request({}))).toBeUndefined();
  });
});

describe('checkMetadata', () => {
  const idNeeded = "deliveryId as { header: '...' } or { json: ['...'] }";
  const pathNeeded = "deliveryId.json as a non-empty list of keys, e.g. ['event', 'id']";
  const signedNeeded =
    'deliveryId.header to be the id header the signature covers (`id.header`), or deliveryId.json: an unsigned id can be changed by anyone replaying a request';
  const typeNeeded = "eventType as { header: '...' }, { json: ['...'] } or both";

  it.each<[string, object, string | null | undefined, string]>([
    ['a delivery id of null', { deliveryId: null }, undefined, idNeeded],
    ['a delivery id given as a header name alone', { deliveryId: 'x-delivery' }, undefined, idNeeded],
    ['a delivery id naming nothing', { deliveryId: {} }, undefined, idNeeded],
    ['a delivery id from an empty header name', { deliveryId: { header: '' } }, undefined, idNeeded],
    ['a delivery id from a header name that is no text', { deliveryId: { header: 42 } }, undefined, idNeeded],
    ['an empty JSON path', { deliveryId: { json: [] } }, undefined, pathNeeded],
    ['a JSON path that is no list', { deliveryId: { json: 'id' } }, undefined, pathNeeded],
    ['a JSON path with an empty key', { deliveryId: { json: ['event', ''] } }, undefined, pathNeeded],
    ['a JSON path with a key that is no text', { deliveryId: { json: ['event', 42] } }, undefined, pathNeeded],
    ['a delivery id header on a scheme that signs none', { deliveryId: { header: 'x-delivery' } }, null, signedNeeded],
    ['a delivery id header other than the signed one', { deliveryId: { header: 'x-delivery' } }, 'x-id', signedNeeded],
    ['an event type of null', { eventType: null }, undefined, typeNeeded],
    ['an event type naming nothing', { eventType: {} }, undefined, typeNeeded],
    ['an event type from an empty header name', { eventType: { header: '' } }, undefined, typeNeeded],
    ['an event type from an empty list of headers', { eventType: { header: [] } }, undefined, typeNeeded],
    ['an event type from a list holding an empty name', { eventType: { header: ['x-a', ''] } }, undefined, typeNeeded],
    ['an event type with an empty JSON path', { eventType: { header: 'x-event', json: [] } }, undefined, typeNeeded],
    ['an event type with a JSON path that is no list', { eventType: { json: 'action' } }, undefined, typeNeeded],
    ['an event type with an empty JSON key', { eventType: { json: ['action', ''] } }, undefined, typeNeeded],
  ])('stops the app on %s, naming the scheme and the fix', (_name, scheme, signedIdHeader, expected) => {
    const check = () => checkMetadata(scheme, 'x-sig', signedIdHeader);
    expect(check).toThrow(WebhookSecurityConfigurationError);
    expect(check).toThrow(`The signature scheme of header 'x-sig' needs ${expected}.`);
  });

  it('accepts a delivery id from the signed id header, in any case, or from any header when none is signed', () => {
    expect(() => checkMetadata({ deliveryId: { header: 'X-Id' } }, 'x-sig', 'x-id')).not.toThrow();
    expect(() => checkMetadata({ deliveryId: { header: 'x-id' } }, 'x-sig', 'X-ID')).not.toThrow();
    expect(() => checkMetadata({ deliveryId: { header: 'x-delivery' } }, 'x-sig', undefined)).not.toThrow();
  });

  it('accepts every well-formed field, and none', () => {
    expect(() => checkMetadata({ deliveryId: { json: ['event', 'id'] }, eventType: { json: ['type'] } }, 'x-sig', null)).not.toThrow();
    expect(() => checkMetadata({ eventType: { header: 'x-event' } }, 'x-sig', null)).not.toThrow();
    expect(() => checkMetadata({ eventType: { header: ['x-a', 'x-b'], json: ['action'] } }, 'x-sig', null)).not.toThrow();
    expect(() => checkMetadata({}, 'x-sig', null)).not.toThrow();
  });
});
