import { generateKeyPairSync, sign } from 'node:crypto';
import { verifyKey } from 'discord-interactions';
import { JUNK_HEADER_VALUES, flipByte, webhookRequest } from '../../test/support/webhook-request.js';
import { DiscordVerifier } from './discord.verifier.js';

// Cross-checked against Discord's own `discord-interactions` verifyKey, with a
// key pair made for the test (Discord publishes no private key to sign with).
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const PUBLIC_KEY = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
const NOW = 1_700_000_000;
const TIMESTAMP = String(NOW);
const BODY = '{"id":"1150000000000000000","type":2,"data":{"name":"ping"},"note":"café"}';

describe('DiscordVerifier', () => {
  const verifier = new DiscordVerifier({ clock: () => NOW * 1000 });
  const headers = (body = BODY, timestamp = TIMESTAMP) => ({
    'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), privateKey).toString('hex'),
    'x-signature-timestamp': timestamp,
  });
  const verify = (body: string | Buffer, h: Record<string, string | string[]>, secrets = [PUBLIC_KEY]) => verifier.verify(webhookRequest(body, h), secrets);

  it('accepts a signature that discord-interactions verifyKey accepts', async () => {
    const h = headers();
    await expect(verifyKey(BODY, h['x-signature-ed25519'], TIMESTAMP, PUBLIC_KEY)).resolves.toBe(true);
    expect(verify(BODY, h)).toEqual({ verified: true });
  });

  it('signs what discord-interactions verifyKey accepts', async () => {
    const signed = verifier.sign({ secret: PUBLIC_KEY, body: BODY, privateKey });
    await expect(verifyKey(BODY, signed['x-signature-ed25519']!, signed['x-signature-timestamp']!, PUBLIC_KEY)).resolves.toBe(true);
  });

  it('rejects a body or a timestamp with one byte changed, and another application’s key', () => {
    const h = headers();
    expect(verify(flipByte(BODY), h)).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, { ...h, 'x-signature-timestamp': String(NOW - 1) })).toEqual({ verified: false, reason: 'no_matching_signature' });
    const other = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
    expect(verify(BODY, h, [other])).toEqual({ verified: false, reason: 'no_matching_signature' });
    expect(verify(BODY, h, [other, PUBLIC_KEY])).toEqual({ verified: true });
  });

  it('rejects a stale or future timestamp, even when signed', () => {
    for (const time of [NOW - 301, NOW + 301]) {
      expect(verify(BODY, headers(BODY, String(time)))).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
    }
  });

  it('answers a verified PING with a PONG, and nothing else', () => {
    const ping = '{"id":"1","type":1}';
    expect(verifier.handshake(webhookRequest(ping, headers(ping)))).toEqual({ status: 200, contentType: 'application/json', body: '{"type":1}' });
    expect(verifier.handshake(webhookRequest(BODY, headers()))).toBeUndefined();
  });

  it('takes the interaction id from the body as the delivery id, and has none without a string id', () => {
    expect(verifier.deliveryId(webhookRequest(BODY, headers()))).toBe('interaction:1150000000000000000');
    for (const body of ['{"id":"","type":2}', '{"id":1150000000000000000,"type":2}', '{"type":2}', 'not json']) {
      expect(verifier.deliveryId(webhookRequest(body, headers(body)))).toBeUndefined();
    }
  });

  it('rejects missing headers and malformed signatures', () => {
    expect(verify(BODY, { 'x-signature-timestamp': TIMESTAMP })).toEqual({ verified: false, reason: 'missing_header' });
    expect(verify(BODY, { 'x-signature-ed25519': headers()['x-signature-ed25519'] })).toEqual({ verified: false, reason: 'missing_header' });
    const h = headers();
    for (const value of [h['x-signature-ed25519'].slice(2), `${h['x-signature-ed25519']}00`, 'g'.repeat(128)]) {
      expect(verify(BODY, { ...h, 'x-signature-ed25519': value })).toEqual({ verified: false, reason: 'malformed_header' });
    }
  });

  it.each(JUNK_HEADER_VALUES.map((value) => [value]))('returns a rejection, never a throw, for junk header %#', (value) => {
    expect(verify(BODY, { ...headers(), 'x-signature-ed25519': value })).toMatchObject({ verified: false });
    expect(verify(BODY, { ...headers(), 'x-signature-timestamp': value })).toMatchObject({ verified: false });
  });

  it('reads a signature header with surrounding blanks', () => {
    const h = headers();
    expect(verify(BODY, { ...h, 'x-signature-ed25519': ` ${h['x-signature-ed25519']} ` })).toEqual({ verified: true });
  });

  it('skips a secret that is not a public key, from a secret function, and verifies with the others', () => {
    for (const bad of ['not a key', PUBLIC_KEY.slice(2)]) {
      expect(verify(BODY, headers(), [bad])).toEqual({ verified: false, reason: 'no_matching_signature' });
      expect(verify(BODY, headers(), [bad, PUBLIC_KEY])).toEqual({ verified: true });
    }
  });

  it('signs at the given time, and refuses to sign without a private key', () => {
    const signed = verifier.sign({ secret: PUBLIC_KEY, body: BODY, privateKey, timestamp: NOW - 60 });
    expect(signed['x-signature-timestamp']).toBe(String(NOW - 60));
    expect(verify(BODY, signed)).toEqual({ verified: true });
    expect(() => verifier.sign({ secret: PUBLIC_KEY, body: BODY })).toThrow(/Ed25519 private key/);
  });

  it('accepts only a 64-hex-character Ed25519 public key at startup', () => {
    expect(verifier.checkSecret(PUBLIC_KEY)).toBeUndefined();
    for (const bad of [PUBLIC_KEY.slice(2), `${PUBLIC_KEY}00`, 'z'.repeat(64), Buffer.from(PUBLIC_KEY, 'hex').toString('base64')]) {
      expect(verifier.checkSecret(bad)).toMatch(/Ed25519 public key: 64 hex characters, from the Developer Portal/);
    }
  });
});
