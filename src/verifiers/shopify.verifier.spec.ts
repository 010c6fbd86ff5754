import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { ShopifyVerifier } from './shopify.verifier.js';

// Shopify publishes no vector. This one was computed independently of this library:
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'shpss_test_secret' -binary | base64
const SECRET = 'shpss_test_secret';
const BODY = '{"id":820982911946154508,"email":"jon@example.com","note":"café ✓"}';
const SIGNATURE = '95ZiB5z2ScMIWXb+RZoreRchfscr/eAkMUiWksJx9v4=';

describe('ShopifyVerifier', () => {
  const verifier = new ShopifyVerifier();
  const verify = (body: string | Buffer, headers: Record<string, string | string[]>, secrets = [SECRET]) =>
    verifier.verify(webhookRequest(body, headers), secrets);

  it('accepts the openssl vector', () => {
    expect(verify(BODY, { 'X-Shopify-Hmac-Sha256': SIGNATURE })).toEqual({ verified: true });
  });

  it('signs exactly what openssl signs', () => {
    expect(verifier.sign({ secret: SECRET, body: BODY })).toEqual({ 'x-shopify-hmac-sha256': SIGNATURE });
  });

  it('rejects a body with one byte changed, and the wrong secret', () => {
    expect(verify(flipByte(BODY), { 'x-shopify-hmac-sha256': SIGNATURE })).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, { 'x-shopify-hmac-sha256': SIGNATURE }, ['wrong'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('accepts the old secret and the new one during a rotation', () => {
    const rotated = verifier.sign({ secret: 'shpss_new', body: BODY });
    expect(verify(BODY, { 'x-shopify-hmac-sha256': SIGNATURE }, ['shpss_new', SECRET])).toEqual({ verified: true });
    expect(verify(BODY, rotated, ['shpss_new', SECRET])).toEqual({ verified: true });
    expect(verify(BODY, rotated, [SECRET])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('rejects a missing header, a hex signature, a truncated one, and one outside base64', () => {
    expect(verify(BODY, {})).toEqual({ verified: false, reason: 'missing_header' });
    const hex = Buffer.from(SIGNATURE, 'base64').toString('hex');
    for (const value of [hex, SIGNATURE.slice(0, -2), `${SIGNATURE.slice(0, -2)}!=`, `${SIGNATURE}A`]) {
      expect(verify(BODY, { 'x-shopify-hmac-sha256': value })).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(BODY, { 'x-shopify-hmac-sha256': value })).toMatchObject({ verified: false });
  });
});
