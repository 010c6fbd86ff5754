import { createHmac } from 'node:crypto';
import { Paddle } from '@paddle/paddle-node-sdk';
import { WorkOS } from '@workos-inc/node';
import Stripe from 'stripe';
import { BUILT_IN_VERIFIERS } from '../../src/verifiers/built-in-verifiers.js';
import type { WebhookVerifier } from '../../src/verifiers/webhook-verifier.interface.js';
import { flipByte, webhookRequest } from '../support/webhook-request.js';

/**
 * Senders whose signature header is a list of `key=value` entries (or, for
 * Recurly, of a timestamp and signatures). Each vector comes from the
 * vendor's SDK or, where it has none, from the steps of the vendor's docs.
 */
const NOW = Date.UTC(2026, 0, 15, 12);
const SECONDS = String(NOW / 1000);
const BODY = '{"event_id":"evt_01h","notification_id":"ntf_01h","event_type":"transaction.completed","data":{"note":"café ✓"}}';

const verifierOf = (scheme: keyof typeof BUILT_IN_VERIFIERS, clock = () => NOW): WebhookVerifier => new BUILT_IN_VERIFIERS[scheme]({ clock });
const verify = (verifier: WebhookVerifier, body: string | Buffer, headers: Record<string, string>, secrets: string[]) =>
  verifier.verify(webhookRequest(body, headers), secrets);

describe('Paddle (cross-checked with @paddle/paddle-node-sdk)', () => {
  const secret = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI';
  const paddle = new Paddle('pdl_sdbx_apikey_01gtgztp8f4kek3yd4g1wrksa3_q6TGTJyvoIz7LDtXT65bX7_AQO');
  // Paddle's SDK accepts a timestamp at most 5 s old, so this vector is signed now.
  const verifier = verifierOf('paddle', Date.now);

  it("accepts a header Paddle's SDK accepts, and Paddle's SDK accepts what the scheme signs", async () => {
    const headers = verifier.sign!({ secret, body: BODY });
    expect(headers['paddle-signature']).toMatch(/^ts=\d+;h1=[0-9a-f]{64}$/);
    await expect(paddle.webhooks.isSignatureValid(BODY, secret, headers['paddle-signature']!)).resolves.toBe(true);
    expect(verify(verifier, BODY, headers, [secret])).toEqual({ verified: true });
  });

  it('accepts either h1 while a secret key is rotated, and rejects a tampered body or another key', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const h1 = (key: string) => createHmac('sha256', key).update(`${ts}:${BODY}`).digest('hex');
    const header = `ts=${ts};h1=${h1('pdl_ntfset_old')};h1=${h1(secret)}`;
    await expect(paddle.webhooks.isSignatureValid(BODY, secret, `ts=${ts};h1=${h1(secret)}`)).resolves.toBe(true);
    expect(verify(verifier, BODY, { 'Paddle-Signature': header }, [secret])).toEqual({ verified: true });
    expect(verify(verifier, flipByte(BODY), { 'Paddle-Signature': header }, [secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(verifier, BODY, { 'Paddle-Signature': header }, ['pdl_ntfset_other'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('reads the delivery id and event type from the verified body', () => {
    const request = webhookRequest(BODY, verifier.sign!({ secret, body: BODY }));
    expect(verifier.deliveryId!(request)).toBe('event:ntf_01h');
    expect(verifier.eventType!(request)).toBe('transaction.completed');
  });
});

describe('WorkOS (cross-checked with @workos-inc/node)', () => {
  const secret = 'wh_secret_0123456789abcdef';
  const workos = new WorkOS('sk_test_0123456789');
  const body = '{"id":"event_01H","event":"user.created","data":{"email":"jo@example.com"}}';
  const verifier = verifierOf('workos', Date.now);

  it("accepts the signature WorkOS's SDK computes, with the timestamp in milliseconds", async () => {
    const timestamp = Date.now();
    // The SDK signs JSON.stringify of the parsed payload, which is the body for this compact JSON.
    const v1 = await workos.webhooks.computeSignature(timestamp, JSON.parse(body), secret);
    const headers = { 'WorkOS-Signature': `t=${timestamp}, v1=${v1}` };
    expect(verify(verifier, body, headers, [secret])).toEqual({ verified: true });
    expect(verify(verifier, flipByte(body), headers, [secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(verifier, body, headers, ['wh_secret_other'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it("signs what WorkOS's SDK verifies", async () => {
    const headers = verifier.sign!({ secret, body });
    await expect(workos.webhooks.verifyHeader({ payload: JSON.parse(body), sigHeader: headers['workos-signature']!, secret })).resolves.toBe(true);
  });

  it('rejects a timestamp given in seconds, which reads as 1970', () => {
    const seconds = String(Math.floor(Date.now() / 1000));
    const v1 = createHmac('sha256', secret).update(`${seconds}.${body}`).digest('hex');
    expect(verify(verifier, body, { 'workos-signature': `t=${seconds}, v1=${v1}` }, [secret])).toEqual({
      verified: false,
      reason: 'timestamp_out_of_tolerance',
    });
  });
});

describe('Calendly (the t=…,v1=… format of its docs, which stripe-node reads the same way)', () => {
  // Calendly documents the same header and signed content as Stripe
  // (https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures):
  // `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. It ships no Node SDK, so
  // stripe-node's generator, which implements exactly that, writes the vector.
  const secret = 'calendly-signing-key-0123456789';
  const body = '{"event":"invitee.created","payload":{"email":"jo@example.com"}}';
  const verifier = verifierOf('calendly');

  it('accepts the header and rejects a tampered body or another key', () => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: NOW / 1000 });
    const headers = { 'Calendly-Webhook-Signature': header };
    expect(verify(verifier, body, headers, [secret])).toEqual({ verified: true });
    expect(verify(verifier, flipByte(body), headers, [secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(verifier, body, headers, ['other-key'])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verifier.eventType!(webhookRequest(body, headers))).toBe('invitee.created');
  });
});

describe('Recurly (the manual check of its docs)', () => {
  // https://docs.recurly.com/recurly-subscriptions/docs/signature-verification: "a Unix
  // timestamp (in milliseconds), followed by one or more hexadecimal signatures",
  // split on commas, each an HMAC-SHA256 of `${timestamp}.${body}` with the endpoint's key.
  // Recurly's Node client has no webhook helper; the vector follows those steps.
  const secret = 'recurly-endpoint-secret';
  const body = '{"id":"xx4mt9mxqhwx","object_type":"subscription","event_type":"created"}';
  const sign = (key: string, timestamp = String(NOW)) => createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex');
  const verifier = verifierOf('recurly');

  it('accepts either signature after a key is regenerated, and rejects a tampered body or another key', () => {
    const headers = { 'recurly-signature': `${NOW},${sign('recurly-old-secret')},${sign(secret)}` };
    expect(verify(verifier, body, headers, [secret])).toEqual({ verified: true });
    expect(verify(verifier, flipByte(body), headers, [secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(verifier, body, headers, ['recurly-other'])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('reads the first entry as the timestamp only', () => {
    const old = String(NOW - 3_600_000);
    expect(verify(verifier, body, { 'recurly-signature': `${old},${sign(secret, old)}` }, [secret])).toEqual({
      verified: false,
      reason: 'timestamp_out_of_tolerance',
    });
    expect(verify(verifier, body, { 'recurly-signature': `${sign(secret)},${NOW}` }, [secret])).toEqual({
      verified: false,
      reason: 'malformed_header',
    });
  });
});

describe('PagerDuty (the verification steps of its docs)', () => {
  // https://developer.pagerduty.com/docs/28e906a0bd3b8-verifying-signatures: `v1=` + hex
  // HMAC-SHA256 of the raw body; one entry per secret, comma-separated. No SDK verifies it in
  // Node; the vector follows those steps.
  const secret = 'pd-webhook-secret';
  const body = '{"event":{"id":"01DEN3","event_type":"incident.triggered"}}';
  const sign = (key: string) => `v1=${createHmac('sha256', key).update(body).digest('hex')}`;
  const verifier = verifierOf('pagerduty');

  it('accepts any listed v1, and rejects a tampered body or another secret', () => {
    const headers = { 'X-PagerDuty-Signature': `${sign('pd-old')},${sign(secret)}` };
    expect(verify(verifier, body, headers, [secret])).toEqual({ verified: true });
    expect(verify(verifier, flipByte(body), headers, [secret])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(verifier, body, headers, ['pd-other'])).toEqual({ verified: false, reason: 'no_matching_signature' });
    const request = webhookRequest(body, headers);
    expect([verifier.deliveryId!(request), verifier.eventType!(request)]).toEqual(['event:01DEN3', 'incident.triggered']);
  });
});

describe('Stripe as a description (cross-checked with stripe-node)', () => {
  const secret = 'whsec_test_secret';
  const verifier = verifierOf('stripe');

  it('accepts the header stripe-node generates, and stripe-node accepts what the scheme signs', () => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret, timestamp: NOW / 1000 });
    expect(verify(verifier, BODY, { 'stripe-signature': header }, [secret])).toEqual({ verified: true });
    const signed = verifier.sign!({ secret, body: BODY, timestamp: NOW / 1000 });
    expect(signed['stripe-signature']).toBe(header);
    expect(() => Stripe.webhooks.signature!.verifyHeader(BODY, signed['stripe-signature']!, secret, Number.MAX_SAFE_INTEGER)).not.toThrow();
  });

  it('rejects a repeated t, however the signatures read', () => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret, timestamp: NOW / 1000 });
    expect(verify(verifier, BODY, { 'stripe-signature': `t=${SECONDS},${header}` }, [secret])).toEqual({ verified: false, reason: 'malformed_header' });
  });
});
