import { createHmac } from 'node:crypto';
import { webhookRequest } from '../../test/support/webhook-request.js';
import { MailgunVerifier } from './mailgun.verifier.js';
import { checkReplayVerifier } from '../replay/replay-options.resolver.js';
import type { ResolvedWebhookProvider } from '../webhook-security-options.interface.js';

// Computed by the recipe of Mailgun's "Securing Webhooks" page, independently
// of this library: hex(HMAC-SHA256(signing key, timestamp + token)).
// Mailgun's SDK (mailgun.js) ships no verifier to cross-check against.
const KEY = 'key-7f3a0c5e2b1d4a6f8e9c0b1a2d3e4f50';
const TIMESTAMP = '1770920772';
const TOKEN = 'e0b5477167110d68991efc6b9f89f0a11066af27834600e123';
const SIGNATURE = createHmac('sha256', KEY)
  .update(TIMESTAMP + TOKEN)
  .digest('hex');
const body = (signature: Record<string, unknown>, event = 'delivered') =>
  JSON.stringify({ signature, 'event-data': { event, id: 'CPgfbmQMTCKtHW6uIWtuVe', recipient: 'alice@example.com' } });
const SIGNED = body({ timestamp: TIMESTAMP, token: TOKEN, signature: SIGNATURE });

describe('MailgunVerifier', () => {
  const verifier = new MailgunVerifier({ clock: () => Number(TIMESTAMP) * 1000 });
  const verify = (text: string, secrets = [KEY]) => verifier.verify(webhookRequest(text, {}), secrets);

  it('accepts the documented recipe, and signatureFor builds the same', () => {
    expect(verify(SIGNED)).toEqual({ verified: true });
    expect(MailgunVerifier.signatureFor({ secret: KEY, token: TOKEN, timestamp: Number(TIMESTAMP) }).signature).toBe(SIGNATURE);
  });

  it('rejects a changed token or timestamp, the wrong key, and a stale timestamp', () => {
    expect(verify(body({ timestamp: TIMESTAMP, token: `${TOKEN}0`, signature: SIGNATURE }))).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(body({ timestamp: '1770920773', token: TOKEN, signature: SIGNATURE }))).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(SIGNED, ['key-other'])).toEqual({ verified: false, reason: 'no_matching_signature' });
    const late = new MailgunVerifier({ clock: () => (Number(TIMESTAMP) + 301) * 1000 });
    expect(late.verify(webhookRequest(SIGNED, {}), [KEY])).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('rejects bodies without a well-formed signature object, without throwing', () => {
    for (const text of [
      '',
      'x',
      '{}',
      '{"signature":null}',
      body({ timestamp: TIMESTAMP, token: TOKEN }),
      body({ timestamp: [], token: TOKEN, signature: SIGNATURE }),
      body({ timestamp: TIMESTAMP, token: 'x'.repeat(300), signature: SIGNATURE }),
    ]) {
      expect(verify(text)).toEqual({ verified: false, reason: 'malformed_body' });
    }
    expect(verify(body({ timestamp: TIMESTAMP, token: TOKEN, signature: 'zz' }))).toEqual({ verified: false, reason: 'malformed_header' });
  });

  it('accepts a timestamp sent as a number, a token of up to 256 characters, and any key of a rotation', () => {
    expect(verify(body({ timestamp: Number(TIMESTAMP), token: TOKEN, signature: SIGNATURE }))).toEqual({ verified: true });
    const token = 't'.repeat(256);
    const long = MailgunVerifier.signatureFor({ secret: KEY, token, timestamp: Number(TIMESTAMP) });
    expect(verify(body({ ...long }))).toEqual({ verified: true });
    expect(verify(body({ ...long, token: 't'.repeat(257) }))).toEqual({ verified: false, reason: 'malformed_body' });
    expect(verify(SIGNED, ['key-other', KEY])).toEqual({ verified: true });
  });

  it('rejects fields of the wrong type or an empty token as a malformed body', () => {
    for (const signature of [
      { timestamp: 1770920772.5, token: TOKEN, signature: SIGNATURE },
      { timestamp: TIMESTAMP, token: 7, signature: SIGNATURE },
      { timestamp: TIMESTAMP, token: TOKEN, signature: 7 },
      { timestamp: TIMESTAMP, token: '', signature: SIGNATURE },
    ]) {
      expect(verify(body(signature))).toEqual({ verified: false, reason: 'malformed_body' });
    }
    expect(verify(JSON.stringify({ signature: 'x' }))).toEqual({ verified: false, reason: 'malformed_body' });
  });

  it('builds a signature for now when no timestamp is given, and never signs a header', () => {
    const now = MailgunVerifier.signatureFor({ secret: KEY, token: TOKEN });
    expect(new MailgunVerifier().verify(webhookRequest(body({ ...now }), {}), [KEY])).toEqual({ verified: true });
    expect(() => verifier.sign()).toThrow(/MailgunVerifier.signatureFor/);
  });

  it('keys replay on the signed token, and requires replay protection', () => {
    expect(verifier.deliveryId(webhookRequest(SIGNED, {}))).toBe(`token:${TOKEN}`);
    expect(verifier.deliveryId(webhookRequest('{}', {}))).toBeUndefined();
    // Built here, not in the describe block, so that the check reads a verifier of the code under test.
    const withoutReplay = { name: 'p', verifier: new MailgunVerifier(), replay: undefined } as unknown as ResolvedWebhookProvider;
    expect(() => checkReplayVerifier(withoutReplay)).toThrow(
      /replay must be on for this scheme \(Mailgun signs only the timestamp and token, not the event data, so each signature must be accepted once\)/,
    );
  });
});
