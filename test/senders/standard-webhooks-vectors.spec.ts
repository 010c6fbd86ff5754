import { WebhookVerificationError, validateEvent } from '@polar-sh/sdk/webhooks';
import OpenAI from 'openai';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { BUILT_IN_VERIFIERS } from '../../src/verifiers/built-in-verifiers.js';
import { flipByte, webhookRequest } from '../support/webhook-request.js';

/** Senders that follow Standard Webhooks, each with its own way of writing the secret. */
const BODY = '{"type":"user.created","data":{"id":"user_29w83sxmDNGwOuEthce5gg56FcC"}}';
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const rejected = { verified: false, reason: 'no_matching_signature' };

describe.each([
  // Clerk and Resend deliver through Svix, with svix-* headers; they document verifying with the svix package.
  ['clerk', 'svix'],
  ['resend', 'svix'],
  // Dodo Payments documents the standardwebhooks package with its whsec_ key.
  ['dodopayments', 'standardwebhooks'],
] as const)('%s (cross-checked with the %s package)', (scheme, library) => {
  const Webhook = library === 'svix' ? (SvixWebhook as unknown as typeof StandardWebhook) : StandardWebhook;
  const verifier = new BUILT_IN_VERIFIERS[scheme]();

  it("accepts what the vendor's library signs and rejects a tampered body or another secret", () => {
    const date = new Date();
    const signature = new Webhook(WHSEC).sign(ID, date, BODY);
    const prefix = library === 'svix' ? 'svix' : 'webhook';
    const headers = { [`${prefix}-id`]: ID, [`${prefix}-timestamp`]: String(Math.floor(date.getTime() / 1000)), [`${prefix}-signature`]: signature };
    expect(verifier.verify(webhookRequest(BODY, headers), [WHSEC])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(flipByte(BODY), headers), [WHSEC])).toEqual(rejected);
    expect(verifier.verify(webhookRequest(BODY, headers), [`whsec_${Buffer.from('another key').toString('base64')}`])).toEqual(rejected);
  });

  it("signs what the vendor's library verifies, under the header names the vendor sends", () => {
    const headers = verifier.sign({ secret: WHSEC, body: BODY, id: ID });
    expect(Object.keys(headers).every((name) => name.startsWith(library === 'svix' ? 'svix-' : 'webhook-'))).toBe(true);
    expect(new Webhook(WHSEC).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });
});

describe('OpenAI (cross-checked with the openai package)', () => {
  const client = new OpenAI({ apiKey: 'sk-test', webhookSecret: WHSEC });
  const verifier = new BUILT_IN_VERIFIERS.openai();

  it("signs what OpenAI's SDK verifies, and rejects a tampered body", async () => {
    const headers = verifier.sign({ secret: WHSEC, body: BODY, id: ID });
    await expect(client.webhooks.verifySignature(BODY, headers, WHSEC)).resolves.toBeUndefined();
    expect(verifier.verify(webhookRequest(flipByte(BODY), headers), [WHSEC])).toEqual(rejected);
  });
});

describe('Polar (cross-checked with @polar-sh/sdk)', () => {
  // Polar's secrets are used as text: validateEvent base64-encodes the secret before the
  // Standard Webhooks library decodes it again.
  const secret = 'polar_whs_0a1b2c3d4e5f6g7h8i9j';
  const verifier = new BUILT_IN_VERIFIERS.polar();

  /** What validateEvent makes of the request: whether the signature check passed (it parses the event after). */
  const polarAccepts = (body: string, headers: Record<string, string>) => {
    try {
      validateEvent(body, headers, secret);
      return true;
    } catch (error) {
      return !(error instanceof WebhookVerificationError);
    }
  };

  it("signs what Polar's SDK verifies, and accepts what Polar's key signs", () => {
    const headers = verifier.sign!({ secret, body: BODY, id: ID });
    expect(polarAccepts(BODY, headers)).toBe(true);
    expect(polarAccepts(BODY, { ...headers, 'webhook-id': 'msg_other' })).toBe(false);
    const date = new Date();
    const signed = {
      'webhook-id': ID,
      'webhook-timestamp': String(Math.floor(date.getTime() / 1000)),
      'webhook-signature': new StandardWebhook(Buffer.from(secret).toString('base64')).sign(ID, date, BODY),
    };
    expect(verifier.verify(webhookRequest(BODY, signed), [secret])).toEqual({ verified: true });
    expect(verifier.verify(webhookRequest(flipByte(BODY), signed), [secret])).toEqual(rejected);
    expect(verifier.verify(webhookRequest(BODY, signed), ['polar_whs_other'])).toEqual(rejected);
    expect(verifier.eventType!(webhookRequest(BODY, signed))).toBe('user.created');
  });
});

describe('Supabase Auth hooks (the verification code of its docs)', () => {
  // https://supabase.com/docs/guides/auth/auth-hooks: the secret is shown as `v1,whsec_<base64>`;
  // its example verifies with `new Webhook(secret.replace('v1,whsec_', ''))` of standardwebhooks.
  const secret = `v1,${WHSEC}`;
  const verifier = new BUILT_IN_VERIFIERS.supabase();

  it("accepts what Supabase's documented verifier signs, and the reverse", () => {
    const webhook = new StandardWebhook(secret.replace('v1,whsec_', ''));
    const date = new Date();
    const headers = { 'webhook-id': ID, 'webhook-timestamp': String(Math.floor(date.getTime() / 1000)), 'webhook-signature': webhook.sign(ID, date, BODY) };
    expect(verifier.verify(webhookRequest(BODY, headers), [secret])).toEqual({ verified: true });
    expect(webhook.verify(BODY, verifier.sign!({ secret, body: BODY, id: ID }))).toEqual(JSON.parse(BODY));
    expect(verifier.verify(webhookRequest(flipByte(BODY), headers), [secret])).toEqual(rejected);
    expect(verifier.verify(webhookRequest(BODY, headers), ['v1,whsec_YW5vdGhlciBrZXk='])).toEqual(rejected);
  });

  it('asks at startup for the secret as the dashboard shows it', () => {
    expect(verifier.checkSecret!('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe('v1,whsec_ or whsec_ followed by the base64 of the key');
    expect(verifier.checkSecret!(secret)).toBeUndefined();
    expect(verifier.checkSecret!(WHSEC)).toBeUndefined();
  });
});
