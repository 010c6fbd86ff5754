import { cryptoCalls } from './support/crypto-calls.js';
import { webhookRequest } from './support/webhook-request.js';

// After crypto-calls, so the library links to the counting node:crypto.
const { FormPostVerifier } = await import('../src/verifiers/form-post.verifier.js');

/*
 * The HMACs a forged form post costs: one per secret, spelling of the URL and
 * reading of the form, each spelling tried once however many ways it is reached.
 */
const HEADER = 'x-twilio-signature';
const FORGED = { 'content-type': 'application/x-www-form-urlencoded', [HEADER]: `${'A'.repeat(27)}=` };
const verifier = new FormPostVerifier(HEADER);

beforeEach(() => cryptoCalls.reset());

it('tries the URL as received once, though its normalised spellings and the port variants give it again', () => {
  // new URL() and node:querystring write this URL as received; its port variants are it and it without the port.
  const request = webhookRequest('To=1', FORGED, 'http://127.0.0.1:3000/forms/twilio?a=1');
  expect(verifier.verify(request, ['first', 'second'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  expect(cryptoCalls.hmacs).toBe(2 * 2);
});

it('reads a form whose repeated values arrive sorted once, not also sorted', () => {
  const request = webhookRequest('a=1&a=2', FORGED, 'https://example.com/forms/twilio');
  expect(verifier.verify(request, ['first'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  // The URL as received and with its default port.
  expect(cryptoCalls.hmacs).toBe(2);
});

it('reads a form once when its values out of order join to the same text as sorted', () => {
  // 'a' + 'a' + 'a' + '' and 'a' + '' + 'a' + 'a' are both 'aaa': one reading to sign.
  const request = webhookRequest('a=a&a=', FORGED, 'https://example.com/forms/twilio');
  expect(verifier.verify(request, ['first'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  // The URL as received and with its default port.
  expect(cryptoCalls.hmacs).toBe(2);
});
