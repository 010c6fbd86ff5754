import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { FullupVerifier } from './fullup.verifier.js';

// Vector computed independently of this library:
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'fullup_test_secret'
const SECRET = 'fullup_test_secret';
const BODY = '{"type":"achievement.completed","user":{"id":"u_1"},"note":"café ✓"}';
const SIGNATURE = '972e704f6335bacfc27c721b7bb1643c3bb1f20e064af0756bda27de1ddcfe2c';

describe('FullupVerifier', () => {
  const verifier = new FullupVerifier();
  const verify = (body: string | Buffer, headers: Record<string, string | string[]>, secrets = [SECRET]) =>
    verifier.verify(webhookRequest(body, headers), secrets);

  it('accepts the openssl vector', () => {
    expect(verify(BODY, { 'fullup-signature': SIGNATURE })).toEqual({ verified: true });
  });

  it('signs exactly what openssl signs, in lowercase hex', () => {
    expect(verifier.sign({ secret: SECRET, body: BODY })).toEqual({ 'fullup-signature': SIGNATURE });
  });

  it('reads the hex case-insensitively: the bytes are the same', () => {
    expect(verify(BODY, { 'fullup-signature': SIGNATURE.toUpperCase() })).toEqual({ verified: true });
  });

  it('rejects the signature of the re-serialised body', () => {
    const reserialised = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(verify(reserialised, { 'fullup-signature': SIGNATURE })).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('rejects a body with one byte changed, and the wrong secret', () => {
    expect(verify(flipByte(BODY), { 'fullup-signature': SIGNATURE })).toMatchObject({ verified: false });
    expect(verify(BODY, { 'fullup-signature': SIGNATURE }, ['wrong'])).toMatchObject({ verified: false });
  });

  it('accepts any secret of a rotation', () => {
    expect(verify(BODY, { 'fullup-signature': SIGNATURE }, ['new', SECRET])).toEqual({ verified: true });
  });

  it('rejects a missing header, and hex of the wrong length or with non-hex characters', () => {
    expect(verify(BODY, {})).toEqual({ verified: false, reason: 'missing_header' });
    for (const value of [SIGNATURE.slice(0, -1), `${SIGNATURE}00`, `${SIGNATURE.slice(0, -1)}g`]) {
      expect(verify(BODY, { 'fullup-signature': value })).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(BODY, { 'fullup-signature': value })).toMatchObject({ verified: false });
  });
});
