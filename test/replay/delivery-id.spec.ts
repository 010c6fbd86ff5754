import { createHash } from 'node:crypto';
import {
  FullupVerifier,
  HmacSchemeVerifier,
  NoyoVerifier,
  SignalWireVerifier,
  TrophyVerifier,
} from '../../src/index.js';
import { webhookRequest } from '../support/webhook-request.js';

const sha256 = (...parts: string[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('base64url');
};

describe('deliveryId', () => {
  describe('Noyo', () => {
    const noyo = new NoyoVerifier();
    const timestamp = '2024-05-08T21:27:45.039587+00:00';

    it("is the event's id from the body, whatever the timestamp and signature", () => {
      const body = '{"data":{"id":"eb73184b"},"event":{"id":"3573d31d-15a0-4b0b"}}';
      expect(noyo.deliveryId(webhookRequest(body, { 'x-noyo-timestamp': timestamp, 'x-noyo-signature': 'a' }))).toBe('event:3573d31d-15a0-4b0b');
      expect(noyo.deliveryId(webhookRequest(body, { 'x-noyo-timestamp': 'later', 'x-noyo-signature': 'b' }))).toBe('event:3573d31d-15a0-4b0b');
    });

    it.each([['{"event":{}}'], ['{"event":{"id":""}}'], ['{"event":{"id":7}}'], ['not json'], ['null'], ['"text"']])(
      'is the hash of the signed timestamp and body when %s carries no event id',
      (body) => {
        const headers = { 'x-noyo-timestamp': timestamp, 'x-noyo-signature': 'ignored' };
        expect(noyo.deliveryId(webhookRequest(body, headers))).toBe(`signed:${sha256(timestamp, '.', body)}`);
      },
    );
  });

  describe('schemes without an id: the hash of what the signature covers', () => {
    const body = '{"id":"evt_1"}';

    it('Fullup and Trophy: the body, not the signature header text', () => {
      for (const verifier of [new FullupVerifier(), new TrophyVerifier()]) {
        expect(verifier.deliveryId(webhookRequest(body, {}))).toBe(`signed:${sha256(body)}`);
      }
    });

    it('SignalWire JSON: the URL and body, the same with or without the SHA-256 header', () => {
      const signalwire = new SignalWireVerifier();
      const url = 'https://example.com/webhooks';
      const sha1Only = { 'x-signalwire-signature': 'a'.repeat(40) };
      expect(signalwire.deliveryId(webhookRequest(body, sha1Only, url))).toBe(`signed:${sha256(url, body)}`);
      expect(signalwire.deliveryId(webhookRequest(body, { ...sha1Only, 'x-signalwire-sha256-signature': 'b'.repeat(64) }, url)))
        .toBe(`signed:${sha256(url, body)}`);
    });

    it('SignalWire form posts: the bytes of the signature, however the base64 is written', () => {
      const signalwire = new SignalWireVerifier();
      const signature = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
      const expected = `signature:${Buffer.from(signature, 'base64').toString('base64url')}`;
      expect(signalwire.deliveryId(webhookRequest('To=1', { 'x-signalwire-signature': signature }))).toBe(expected);
      expect(signalwire.deliveryId(webhookRequest('To=1', { 'x-signalwire-signature': ` ${signature.slice(0, -1)} ` }))).toBe(expected);
    });
  });

  it("is a scheme's id header when it names one", () => {
    const scheme = new HmacSchemeVerifier({
      header: 'webhook-signature',
      algorithm: 'sha256',
      encoding: 'base64',
      signedContent: '{id}.{body}',
      id: { header: 'webhook-id' },
    });
    expect(scheme.deliveryId(webhookRequest('{}', { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek' }))).toBe('msg_p5jXN8AQM9LWM0D4loKWxJek');
  });
});
