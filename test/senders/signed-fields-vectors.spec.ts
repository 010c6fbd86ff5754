import { createHmac } from 'node:crypto';
import { Signature } from '@hubspot/api-client';
import { BUILT_IN_VERIFIERS } from '../../src/verifiers/built-in-verifiers.js';
import type { WebhookRequest, WebhookVerifier } from '../../src/verifiers/webhook-verifier.interface.js';
import { flipByte, webhookRequest } from '../support/webhook-request.js';

/**
 * Senders that sign several fields of the request besides the body: an id,
 * an RFC 3339 timestamp, the method and the URL.
 */
const NOW = Date.UTC(2026, 0, 15, 12);
const verifierOf = (scheme: keyof typeof BUILT_IN_VERIFIERS, clock = () => NOW): WebhookVerifier => new BUILT_IN_VERIFIERS[scheme]({ clock });

describe('Twitch EventSub (the verification code of its docs)', () => {
  // https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message:
  // getHmacMessage = headers[MESSAGE_ID] + headers[MESSAGE_TIMESTAMP] + body;
  // 'sha256=' + createHmac('sha256', secret).update(message).digest('hex').
  // Twitch ships no Node SDK for it; the vector follows that code.
  const secret = 'twitch-subscription-secret';
  const id = 'e76c6bd4-55c9-4987-8304-da1588d8988b';
  const timestamp = '2026-01-15T12:00:00.123456789Z';
  const body = '{"subscription":{"id":"f1c2a387","type":"channel.follow"},"event":{"user_name":"cool_user"}}';
  const signature = `sha256=${createHmac('sha256', secret)
    .update(id + timestamp + body)
    .digest('hex')}`;
  const headers = {
    'Twitch-Eventsub-Message-Id': id,
    'Twitch-Eventsub-Message-Timestamp': timestamp,
    'Twitch-Eventsub-Message-Signature': signature,
  };
  const verifier = verifierOf('twitch');
  const verify = (body: string | Buffer, headers: Record<string, string>, secrets = [secret]) => verifier.verify(webhookRequest(body, headers), secrets);

  it('accepts the vector, with nine fraction digits of RFC 3339', () => {
    expect(verify(body, headers)).toEqual({ verified: true });
  });

  it('rejects a tampered body, another secret, and a changed message id', () => {
    expect(verify(flipByte(body), headers)).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(body, headers, ['other-secret'])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(body, { ...headers, 'Twitch-Eventsub-Message-Id': `${id.slice(0, -1)}c` })).toEqual({
      verified: false,
      reason: 'no_matching_signature',
    });
  });

  it('keys replay protection on the message id, and reads the subscription type', () => {
    const request = webhookRequest(body, headers);
    expect([verifier.deliveryId!(request), verifier.eventType!(request)]).toEqual([id, 'channel.follow']);
  });
});

describe('HubSpot v3 (cross-checked with @hubspot/api-client)', () => {
  const secret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
  const body = '[{"eventId":1,"subscriptionType":"contact.creation","objectId":123}]';
  const verifier = verifierOf('hubspot');
  const request = (url: string, headers: Record<string, string>, method = 'POST', raw: string | Buffer = body): WebhookRequest => ({
    ...webhookRequest(raw, headers, url),
    method,
  });
  const hubspotHeaders = (url: string, method = 'POST') => ({
    'X-HubSpot-Signature-v3': Signature.getSignature(method, 'v3', { signature: '', clientSecret: secret, requestBody: body, url, timestamp: NOW }),
    'X-HubSpot-Request-Timestamp': String(NOW),
  });

  it("accepts the signature HubSpot's SDK computes over method, URI, body and timestamp", () => {
    const url = 'https://www.example.com/webhook_uri?portal=62515';
    expect(verifier.verify(request(url, hubspotHeaders(url)), [secret])).toEqual({ verified: true });
  });

  it("signs what HubSpot's SDK accepts", () => {
    const url = 'https://www.example.com/webhook_uri';
    const headers = verifier.sign!({ secret, body, url, method: 'POST', timestamp: new Date(Date.now()) });
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        signature: headers['x-hubspot-signature-v3']!,
        clientSecret: secret,
        requestBody: body,
        url,
        method: 'POST',
        timestamp: Number(headers['x-hubspot-request-timestamp']),
      }),
    ).toBe(true);
  });

  it('decodes the escapes HubSpot lists in the URL the app received, as HubSpot does before signing', () => {
    // HubSpot signs the URI with %3A, %2F, %40 ... decoded; the SDK takes the URI it is given.
    const decoded = "https://www.example.com/webhook_uri?next=/a:b@c!$'()*,;";
    const received = 'https://www.example.com/webhook_uri?next=%2Fa%3Ab%40c%21%24%27%28%29%2A%2C%3B';
    expect(verifier.verify(request(received, hubspotHeaders(decoded)), [secret])).toEqual({ verified: true });
    // An escape HubSpot keeps (%20) stays as received.
    const spaced = 'https://www.example.com/webhook_uri?q=a%20b';
    expect(verifier.verify(request(spaced, hubspotHeaders(spaced)), [secret])).toEqual({ verified: true });
  });

  it('rejects another method, a tampered body, another URL and another secret', () => {
    const url = 'https://www.example.com/webhook_uri';
    const headers = hubspotHeaders(url);
    const rejected = { verified: false, reason: 'no_matching_signature' };
    expect(verifier.verify(request(url, headers, 'PUT'), [secret])).toEqual(rejected);
    expect(verifier.verify(request(url, headers, 'POST', flipByte(body)), [secret])).toEqual(rejected);
    expect(verifier.verify(request(`${url}/other`, headers), [secret])).toEqual(rejected);
    expect(verifier.verify(request(url, headers), ['other'])).toEqual(rejected);
  });
});
