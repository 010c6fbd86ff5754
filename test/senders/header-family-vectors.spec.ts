import { createHmac } from 'node:crypto';
import { WebhooksManager } from 'box-node-sdk/managers';
import { computeWebhookSignature } from 'box-node-sdk/internal';
import { BUILT_IN_VERIFIERS } from '../../src/verifiers/built-in-verifiers.js';
import { MAX_SIGNATURES_PER_HEADER } from '../../src/utils/headers.js';
import type { WebhookVerifier } from '../../src/verifiers/webhook-verifier.interface.js';
import { flipByte, webhookRequest } from '../support/webhook-request.js';

/** Senders that sign into one of several headers, of which any may match. */
const verifierOf = (scheme: keyof typeof BUILT_IN_VERIFIERS, clock = Date.now): WebhookVerifier => new BUILT_IN_VERIFIERS[scheme]({ clock });
const rejected = { verified: false, reason: 'no_matching_signature' };

describe('Box (cross-checked with box-node-sdk)', () => {
  const primary = 'SamplePrimaryKey';
  const secondary = 'SampleSecondaryKey';
  const body = '{"type":"webhook_event","id":"eac4a7ed-9a0b-4d9c-8ac1","trigger":"FILE.UPLOADED","source":{"id":"123","type":"file"}}';
  const verifier = verifierOf('box');
  // box-node-sdk signs only requests that name version 1 and HmacSHA256; the scheme does not read these unsigned headers.
  const boxHeaders = (timestamp: string) => ({ 'box-delivery-timestamp': timestamp, 'box-signature-version': '1', 'box-signature-algorithm': 'HmacSHA256' });

  it("accepts the signatures Box's SDK computes, with the primary or the secondary key", async () => {
    const headers: Record<string, string> = boxHeaders(new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
    headers['box-signature-primary'] = (await computeWebhookSignature(body, headers, primary))!;
    headers['box-signature-secondary'] = (await computeWebhookSignature(body, headers, secondary))!;
    expect(verifier.verify(webhookRequest(body, headers), [primary])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(body, headers), [secondary])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(body, { ...headers, 'box-signature-primary': 'x' }), [secondary])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(flipByte(body), headers), [primary, secondary])).toEqual(rejected);
    expect(verifier.verify(webhookRequest(body, headers), ['OtherKey'])).toEqual(rejected);
  });

  it("signs what Box's SDK validates", async () => {
    const headers = { ...boxHeaders(''), ...verifier.sign!({ secret: primary, body }) };
    await expect(WebhooksManager.validateMessage(body, headers, primary)).resolves.toBe(true);
  });

  it('reads the delivery id and trigger from the verified body', () => {
    const request = webhookRequest(body, verifier.sign!({ secret: primary, body }));
    expect([verifier.deliveryId!(request), verifier.eventType!(request)]).toEqual(['event:eac4a7ed-9a0b-4d9c-8ac1', 'FILE.UPLOADED']);
  });
});

describe('DocuSign Connect (the HMAC steps of its docs)', () => {
  // https://developers.docusign.com/platform/webhooks/connect/validate/: base64 of
  // HMAC-SHA256(key, the whole body's bytes), one X-DocuSign-Signature-N header per
  // active key. docusign-esign has no verifier; the vector follows those steps.
  const body = '{"event":"envelope-completed","data":{"envelopeId":"93be49ab"}}\r\n';
  const sign = (key: string) => createHmac('sha256', key).update(body).digest('base64');
  const verifier = verifierOf('docusign');

  it('accepts a signature in any of the numbered headers', () => {
    const headers = { 'X-DocuSign-Signature-1': sign('old-connect-key'), 'X-DocuSign-Signature-2': sign('connect-key') };
    expect(verifier.verify(webhookRequest(body, headers), ['connect-key'])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(body, { 'x-docusign-signature-10': sign('connect-key') }), ['connect-key'])).toEqual({ verified: true });
    expect(verifier.eventType!(webhookRequest(body, headers))).toBe('envelope-completed');
  });

  it('rejects a tampered body, another key, and a header past the tenth', () => {
    expect(verifier.verify(webhookRequest(flipByte(body), { 'X-DocuSign-Signature-1': sign('connect-key') }), ['connect-key'])).toEqual(rejected);
    expect(verifier.verify(webhookRequest(body, { 'X-DocuSign-Signature-1': sign('connect-key') }), ['other-key'])).toEqual(rejected);
    expect(verifier.verify(webhookRequest(body, { 'X-DocuSign-Signature-11': sign('connect-key') }), ['connect-key'])).toEqual({
      verified: false,
      reason: 'missing_header',
    });
  });

  it(`rejects more than ${MAX_SIGNATURES_PER_HEADER} signatures across the family before any comparison`, () => {
    const headers = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`x-docusign-signature-${index + 1}`, `${sign('k')}, ${sign('connect-key')}`]));
    expect(verifier.verify(webhookRequest(body, headers), ['connect-key'])).toEqual({ verified: false, reason: 'malformed_header' });
  });
});

describe('Shopify: Events send only Shopify-Hmac-Sha256', () => {
  // Computed independently of this library (and checked by shopify.verifier.spec.ts):
  //   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'shpss_test_secret' -binary | base64
  // Shopify's library reads `shopify-hmac-sha256` for Events ("NextGen") webhooks.
  const body = '{"id":820982911946154508,"email":"jon@example.com","note":"café ✓"}';
  const signature = '95ZiB5z2ScMIWXb+RZoreRchfscr/eAkMUiWksJx9v4=';
  const verifier = verifierOf('shopify');

  it('verifies the newer header alone, and reads the Events topic', () => {
    const headers = { 'Shopify-Hmac-Sha256': signature, 'Shopify-Topic': 'orders/create' };
    expect(verifier.verify(webhookRequest(body, headers), ['shpss_test_secret'])).toEqual({ verified: true });
    expect(verifier.eventType!(webhookRequest(body, headers))).toBe('orders/create');
    expect(verifier.verify(webhookRequest(flipByte(body), headers), ['shpss_test_secret'])).toEqual(rejected);
    expect(verifier.verify(webhookRequest(body, headers), ['shpss_other'])).toEqual(rejected);
  });
});
