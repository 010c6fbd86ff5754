import { generateKeyPairSync } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { SendGridVerifier } from './sendgrid.verifier.js';

// The published vector of SendGrid's own SDK, @sendgrid/eventwebhook
// src/eventwebhook.spec.js ('should verify a valid single event signature').
const PUBLIC_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==';
const SIGNATURE = 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=';
const TIMESTAMP = '1600112502';
const PAYLOAD =
  JSON.stringify([
    {
      email: 'hello@world.com',
      event: 'dropped',
      reason: 'Bounced Address',
      sg_event_id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
      sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
      'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>',
      timestamp: 1600112492,
    },
  ]) + '\r\n';

const HEADERS = { 'x-twilio-email-event-webhook-signature': SIGNATURE, 'x-twilio-email-event-webhook-timestamp': TIMESTAMP };

describe('SendGridVerifier', () => {
  const verifier = new SendGridVerifier({ clock: () => Number(TIMESTAMP) * 1000 });
  const verify = (body: string | Buffer, headers: Record<string, string | string[]>, secrets = [PUBLIC_KEY]) =>
    verifier.verify(webhookRequest(body, headers), secrets);

  it("accepts the SDK's published vector", () => {
    expect(verify(PAYLOAD, HEADERS)).toEqual({ verified: true });
  });

  it('signs what the SDK verifies, with a test key pair', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const signed = verifier.sign({ secret: pem, body: PAYLOAD, privateKey });
    const sdk = new EventWebhook();
    expect(
      sdk.verifySignature(
        sdk.convertPublicKeyToECDSA(pem),
        PAYLOAD,
        signed['x-twilio-email-event-webhook-signature']!,
        signed['x-twilio-email-event-webhook-timestamp']!,
      ),
    ).toBe(true);
    expect(verify(PAYLOAD, signed, [pem])).toEqual({ verified: true });
  });

  it('rejects a changed body or timestamp, a stale timestamp, and another key', () => {
    expect(verify(flipByte(PAYLOAD), HEADERS)).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(PAYLOAD.trimEnd(), HEADERS)).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(PAYLOAD, { ...HEADERS, 'x-twilio-email-event-webhook-timestamp': '1600112503' })).toEqual({
      verified: false,
      reason: 'no_matching_signature',
    });
    const late = new SendGridVerifier({ clock: () => (Number(TIMESTAMP) + 301) * 1000 });
    expect(late.verify(webhookRequest(PAYLOAD, HEADERS), [PUBLIC_KEY])).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(verify(PAYLOAD, HEADERS, [other])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(PAYLOAD, HEADERS, [other, PUBLIC_KEY])).toEqual({ verified: true });
  });

  it('rejects missing and malformed headers', () => {
    expect(verify(PAYLOAD, { 'x-twilio-email-event-webhook-signature': SIGNATURE })).toEqual({ verified: false, reason: 'missing_header' });
    for (const value of [SIGNATURE.slice(1), `${SIGNATURE}${SIGNATURE}`, '====']) {
      expect(verify(PAYLOAD, { ...HEADERS, 'x-twilio-email-event-webhook-signature': value })).toMatchObject({ verified: false });
    }
  });

  it('names a signature that is not strict, padded base64 as malformed', () => {
    for (const value of [SIGNATURE.replace(/=+$/, ''), `${SIGNATURE.slice(0, 8)}*${SIGNATURE.slice(9)}`]) {
      expect(verify(PAYLOAD, { ...HEADERS, 'x-twilio-email-event-webhook-signature': value })).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it('reads a key with blank space around it, as a secret function may give it', () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${PUBLIC_KEY.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----`;
    for (const key of [` ${PUBLIC_KEY}\n`, `\n${pem}\n`]) expect(verify(PAYLOAD, HEADERS, [key])).toEqual({ verified: true });
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(PAYLOAD, { ...HEADERS, 'x-twilio-email-event-webhook-signature': value })).toMatchObject({ verified: false });
    expect(verify(PAYLOAD, { ...HEADERS, 'x-twilio-email-event-webhook-timestamp': value })).toMatchObject({ verified: false });
  });

  it('accepts a signature header with surrounding blanks, and a DER signature of the longest length, 72 bytes', () => {
    expect(verify(PAYLOAD, { ...HEADERS, 'x-twilio-email-event-webhook-signature': ` ${SIGNATURE} ` })).toEqual({ verified: true });
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    // About one signature in four has both integers 33 bytes long.
    let signed = verifier.sign({ secret: pem, body: PAYLOAD, privateKey });
    while (signed['x-twilio-email-event-webhook-signature']!.length < 96) signed = verifier.sign({ secret: pem, body: PAYLOAD, privateKey });
    expect(signed['x-twilio-email-event-webhook-signature']).toHaveLength(96);
    expect(verify(PAYLOAD, signed, [pem])).toEqual({ verified: true });
  });

  it('rejects a signature header that is not base64 DER as malformed', () => {
    for (const value of [SIGNATURE.slice(1), `${SIGNATURE}${SIGNATURE}`, 'A'.repeat(100), '====', ' ']) {
      expect(verify(PAYLOAD, { ...HEADERS, 'x-twilio-email-event-webhook-signature': value })).toEqual({ verified: false, reason: 'malformed_header' });
    }
    expect(verify(PAYLOAD, { 'x-twilio-email-event-webhook-timestamp': TIMESTAMP })).toEqual({ verified: false, reason: 'missing_header' });
  });

  it('skips a secret that is not a P-256 key, from a secret function, and verifies with the others', () => {
    for (const bad of ['not a key', PUBLIC_KEY.slice(4)]) {
      expect(verify(PAYLOAD, HEADERS, [bad])).toEqual({ verified: false, reason: 'no_matching_signature' });
      expect(verify(PAYLOAD, HEADERS, [bad, PUBLIC_KEY])).toEqual({ verified: true });
    }
  });

  it('keys replay on a hash of the signed timestamp and body', () => {
    const id = verifier.deliveryId(webhookRequest(PAYLOAD, HEADERS));
    expect(id).toMatch(/^signed:/);
    expect(verifier.deliveryId(webhookRequest(PAYLOAD, { ...HEADERS, 'x-twilio-email-event-webhook-signature': 'other' }))).toBe(id);
    expect(verifier.deliveryId(webhookRequest(PAYLOAD, { ...HEADERS, 'x-twilio-email-event-webhook-timestamp': '1600112503' }))).not.toBe(id);
    expect(verifier.deliveryId(webhookRequest(PAYLOAD.trimEnd(), HEADERS))).not.toBe(id);
    expect(verifier.deliveryId(webhookRequest(PAYLOAD, { 'x-twilio-email-event-webhook-signature': SIGNATURE }))).toBeUndefined();
  });

  it('signs at the given time, and refuses to sign without a private key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const signed = verifier.sign({ secret: pem, body: PAYLOAD, privateKey, timestamp: Number(TIMESTAMP) - 60 });
    expect(signed['x-twilio-email-event-webhook-timestamp']).toBe(String(Number(TIMESTAMP) - 60));
    expect(verify(PAYLOAD, signed, [pem])).toEqual({ verified: true });
    expect(() => verifier.sign({ secret: pem, body: PAYLOAD })).toThrow(/ECDSA P-256 private key/);
  });

  it('accepts only a P-256 public key at startup', () => {
    expect(verifier.checkSecret(PUBLIC_KEY)).toBeUndefined();
    const ed25519 = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    for (const bad of [ed25519, p384, PUBLIC_KEY.slice(4), 'not a key'])
      expect(verifier.checkSecret(bad)).toMatch(/P-256 public key in base64 DER \(as SendGrid shows it\) or PEM/);
  });
});
