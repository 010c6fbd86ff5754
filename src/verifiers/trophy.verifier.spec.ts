import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { TrophyVerifier } from './trophy.verifier.js';

// Vector computed independently of this library:
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'trophy_test_secret' -binary | base64
const SECRET = 'trophy_test_secret';
const BODY = '{"type":"achievement.completed","user":{"id":"u_1"},"note":"café ✓"}';
const SIGNATURE = 'aaZMGuSuR0FYpwrDNX1PWAfypgJ8pazEH8CCYIWwQnI=';

describe('TrophyVerifier', () => {
  const verifier = new TrophyVerifier();
  const verify = (body: string | Buffer, headers: Record<string, string | string[]>, secrets = [SECRET]) =>
    verifier.verify(webhookRequest(body, headers), secrets);

  it('accepts the openssl vector', () => {
    expect(verify(BODY, { 'X-Trophy-Signature': SIGNATURE })).toEqual({ verified: true });
  });

  it('signs exactly what openssl signs', () => {
    expect(verifier.sign({ secret: SECRET, body: BODY })).toEqual({ 'x-trophy-signature': SIGNATURE });
  });

  it('rejects a body with one byte changed', () => {
    expect(verify(flipByte(BODY), { 'x-trophy-signature': SIGNATURE })).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('rejects the wrong secret', () => {
    expect(verify(BODY, { 'x-trophy-signature': SIGNATURE }, ['other'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('accepts any secret of a rotation', () => {
    expect(verify(BODY, { 'x-trophy-signature': SIGNATURE }, ['new-secret', SECRET])).toEqual({ verified: true });
  });

  it('rejects a missing header', () => {
    expect(verify(BODY, {})).toEqual({ verified: false, reason: 'missing_header' });
  });

  it('rejects a hex signature, a truncated one, and one with characters outside base64', () => {
    const hex = Buffer.from(SIGNATURE, 'base64').toString('hex');
    for (const value of [hex, SIGNATURE.slice(0, -2), `${SIGNATURE.slice(0, -2)}!=`, `${SIGNATURE}A`]) {
      expect(verify(BODY, { 'x-trophy-signature': value })).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(BODY, { 'x-trophy-signature': value })).toMatchObject({ verified: false });
  });
});
