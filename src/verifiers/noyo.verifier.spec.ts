import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { NoyoVerifier } from './noyo.verifier.js';

// Vector computed independently of this library, as Noyo's docs do:
//   printf '%s.%s' "$TIMESTAMP" "$BODY" | openssl dgst -sha256 -hmac 'noyo_test_key'
const SECRET = 'noyo_test_key';
const BODY = '{"type":"achievement.completed","user":{"id":"u_1"},"note":"café ✓"}';
const TIMESTAMP = '2024-05-08T21:27:45.039587+00:00';
const SIGNATURE = 'c8ab4318ce54bd2a53aae9eb98791e8239a3f576378960603a420f38d9ee8e70';
const SIGNED_AT = Date.parse('2024-05-08T21:27:45.039Z');

describe('NoyoVerifier', () => {
  let now = SIGNED_AT;
  const verifier = new NoyoVerifier({ clock: () => now });
  const verify = (headers: Record<string, string | string[]>, body: string | Buffer = BODY, secrets = [SECRET]) =>
    verifier.verify(webhookRequest(body, headers), secrets);
  const headers = (signature = SIGNATURE, timestamp = TIMESTAMP) => ({ 'x-noyo-signature': signature, 'x-noyo-timestamp': timestamp });

  beforeEach(() => {
    now = SIGNED_AT;
  });

  it('accepts the openssl vector, signing the timestamp header verbatim', () => {
    expect(verify(headers())).toEqual({ verified: true });
  });

  it('signs exactly what openssl signs', () => {
    expect(verifier.sign({ secret: SECRET, body: BODY, timestamp: TIMESTAMP })).toEqual(headers());
  });

  it('accepts any entry of a comma-separated list, with or without spaces', () => {
    const other = 'ab'.repeat(32);
    expect(verify(headers(`${other},${SIGNATURE}`))).toEqual({ verified: true });
    expect(verify(headers(`${other}, ${SIGNATURE}`))).toEqual({ verified: true });
    expect(verify(headers(` ${SIGNATURE} ,${other}`))).toEqual({ verified: true });
  });

  it('accepts any secret of a rotation', () => {
    expect(verify(headers(), BODY, ['new-key', SECRET])).toEqual({ verified: true });
  });

  it('rejects a body with one byte changed, a changed timestamp, and the wrong secret', () => {
    expect(verify(headers(), flipByte(BODY))).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(headers(SIGNATURE, '2024-05-08T21:27:45.039588+00:00'))).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(headers(), BODY, ['wrong'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('enforces the 5-minute tolerance in both directions', () => {
    now = SIGNED_AT + 300_000;
    expect(verify(headers())).toEqual({ verified: true });
    now = SIGNED_AT + 301_000;
    expect(verify(headers())).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
    now = SIGNED_AT - 301_000;
    expect(verify(headers())).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('takes a configured tolerance', () => {
    const strict = new NoyoVerifier({ clock: () => SIGNED_AT + 61_000, toleranceSeconds: 60 });
    expect(strict.verify(webhookRequest(BODY, headers()), [SECRET])).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('rejects a missing or unparseable timestamp', () => {
    expect(verify({ 'x-noyo-signature': SIGNATURE })).toEqual({ verified: false, reason: 'missing_header' });
    for (const garbage of ['1', '1715203665', 'yesterday', '2024-05-08', '2024-05-08T21:27:45', '2024-13-45T99:99:99Z']) {
      expect(verify(headers(SIGNATURE, garbage))).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it('rejects a missing signature header and lists of junk', () => {
    expect(verify({ 'x-noyo-timestamp': TIMESTAMP })).toEqual({ verified: false, reason: 'missing_header' });
    expect(verify(headers('nothex,alsonothex'))).toEqual({ verified: false, reason: 'malformed_header' });
  });

  it('rejects a list longer than ten entries without comparing it', () => {
    const list = [...Array.from({ length: 10 }, () => 'ab'.repeat(32)), SIGNATURE].join(',');
    expect(verify(headers(list))).toEqual({ verified: false, reason: 'malformed_header' });
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(headers(SIGNATURE, TIMESTAMP), BODY)).toEqual({ verified: true });
    expect(verify({ 'x-noyo-signature': value, 'x-noyo-timestamp': TIMESTAMP })).toMatchObject({ verified: false });
    expect(verify({ 'x-noyo-signature': SIGNATURE, 'x-noyo-timestamp': value })).toMatchObject({ verified: false });
  });
});
