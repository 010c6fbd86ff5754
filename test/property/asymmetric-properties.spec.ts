import { createHash, createSign, generateKeyPairSync, sign as signBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { FC_NUM_RUNS, configureFastCheck } from '../support/fast-check-seed.js';
import { paypalCertificate, startKeyServer, type KeyServer } from '../support/key-server.js';
import { webhookRequest } from '../support/webhook-request.js';
import { DiscordVerifier } from '../../src/verifiers/discord.verifier.js';
import { PayPalVerifier } from '../../src/verifiers/paypal.verifier.js';
import { PlaidVerifier } from '../../src/verifiers/plaid.verifier.js';
import { SendGridVerifier } from '../../src/verifiers/sendgrid.verifier.js';
import { StandardWebhooksVerifier } from '../../src/verifiers/standard-webhooks.verifier.js';
import type { VerificationFailureReason, VerificationResult, WebhookRequest } from '../../src/verifiers/webhook-verifier.interface.js';

// The schemes that verify with a public key, which the HMAC properties of
// verifier-properties.spec.ts leave out (OWN_PROPERTY_TESTS). Each case signs
// with a test key pair of its own; PayPal's certificate and Plaid's key are
// served from a key server on 127.0.0.1. A key operation costs far more than
// an HMAC, so each property runs a quarter of the HMAC suite's cases.
configureFastCheck('asymmetric verifier properties');
const RUNS = Math.ceil(FC_NUM_RUNS / 4);
// An RSA signature takes milliseconds, more on a busy machine: PayPal's 250 cases take seconds.
jest.setTimeout(60_000);

// Whole seconds, a minute after the test certificate starts to be valid.
const NOW = Math.floor(Date.now() / 1000) * 1000 + 60_000;
const REASONS: readonly VerificationFailureReason[] = [
  'missing_header',
  'malformed_header',
  'no_matching_signature',
  'timestamp_out_of_tolerance',
  'unknown_key_version',
  'untrusted_key_url',
  'untrusted_key',
  'key_unavailable',
];

type Headers = Record<string, string>;
type Encoding = 'hex' | 'base64' | 'base64url';

/** A scheme signed with a test key pair: how to sign, where the signature sits, and what verifies it. */
interface AsymmetricCase {
  readonly secrets: readonly string[];
  /** The headers a sender signing `body` at `NOW + offsetSeconds` sends. */
  sign(body: Buffer, offsetSeconds: number): Headers;
  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult | Promise<VerificationResult>;
  /** The header holding the signature, its encoding, and the part of it that is the signature (all of it by default). */
  readonly signature: { readonly header: string; readonly encoding: Encoding; readonly pattern?: RegExp };
  /** The signed timestamp header, if the scheme sends one apart from the signature. */
  readonly timestamp?: string;
}

const ed25519 = generateKeyPairSync('ed25519');
const rawEd25519 = Buffer.from(ed25519.publicKey.export({ format: 'jwk' }).x!, 'base64url');
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const plaidKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const paypalCert = paypalCertificate();
const PAYPAL_CERT_PATH = '/v1/notifications/certs/CERT-property';
const PLAID_KEY_PATH = '/webhook_verification_key/get';

const seconds = (offset: number) => String(NOW / 1000 + offset);

function discordCase(): AsymmetricCase {
  const verifier = new DiscordVerifier({ clock: () => NOW });
  return {
    secrets: [rawEd25519.toString('hex')],
    sign: (body, offset) => verifier.sign({ secret: '', body, timestamp: seconds(offset), privateKey: ed25519.privateKey }),
    verify: (request, secrets) => verifier.verify(request, secrets),
    signature: { header: 'x-signature-ed25519', encoding: 'hex' },
    timestamp: 'x-signature-timestamp',
  };
}

function sendgridCase(): AsymmetricCase {
  const verifier = new SendGridVerifier({ clock: () => NOW });
  return {
    secrets: [p256.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')],
    sign: (body, offset) => verifier.sign({ secret: '', body, timestamp: seconds(offset), privateKey: p256.privateKey }),
    verify: (request, secrets) => verifier.verify(request, secrets),
    signature: { header: 'x-twilio-email-event-webhook-signature', encoding: 'base64' },
    timestamp: 'x-twilio-email-event-webhook-timestamp',
  };
}

/** Standard Webhooks `v1a`: Ed25519 over `${id}.${timestamp}.${body}`, with a `whpk_` public key. */
function standardWebhooksCase(): AsymmetricCase {
  const verifier = new StandardWebhooksVerifier({ clock: () => NOW });
  return {
    secrets: [`whpk_${rawEd25519.toString('base64')}`],
    sign: (body, offset) => {
      const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
      const timestamp = seconds(offset);
      const signature = signBytes(null, Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]), ed25519.privateKey);
      return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1a,${signature.toString('base64')}` };
    },
    verify: (request, secrets) => verifier.verify(request, secrets),
    signature: { header: 'webhook-signature', encoding: 'base64', pattern: /^v1a,(.+)$/ },
    timestamp: 'webhook-timestamp',
  };
}

function paypalCase(server: KeyServer): AsymmetricCase {
  const verifier = new PayPalVerifier({ clock: () => NOW, keyOrigins: [server.origin], certificateAuthorities: [paypalCert.authority] });
  const webhookId = '9XL90610J3647323C';
  return {
    secrets: [webhookId],
    sign: (body, offset) => {
      const id = 'd938e770-8046-11e6-8103-6b62a8a99ac4';
      const time = new Date(NOW + offset * 1000).toISOString();
      return {
        'paypal-transmission-id': id,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': createSign('sha256')
          .update(`${id}|${time}|${webhookId}|${crc32(body)}`)
          .sign(paypalCert.privateKey, 'base64'),
        'paypal-cert-url': `${server.origin}${PAYPAL_CERT_PATH}`,
        'paypal-auth-algo': 'SHA256withRSA',
      };
    },
    verify: (request, secrets) => verifier.verify(request, secrets),
    signature: { header: 'paypal-transmission-sig', encoding: 'base64' },
    timestamp: 'paypal-transmission-time',
  };
}

/** Plaid: an ES256 JWT whose claims hold `iat` and the body's SHA-256, by the steps of Plaid's "Verify webhooks" page. */
function plaidCase(server: KeyServer): AsymmetricCase {
  const verifier = new PlaidVerifier({ clock: () => NOW, keyOrigins: [server.origin] });
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    secrets: ['client-5f0c:secret-9a1b'],
    sign: (body, offset) => {
      const claims = { iat: NOW / 1000 + offset, request_body_sha256: createHash('sha256').update(body).digest('hex') };
      const input = `${segment({ alg: 'ES256', kid: 'property-kid', typ: 'JWT' })}.${segment(claims)}`;
      const signature = signBytes('sha256', Buffer.from(input), { key: plaidKey.privateKey, dsaEncoding: 'ieee-p1363' });
      return { 'plaid-verification': `${input}.${signature.toString('base64url')}` };
    },
    verify: (request, secrets) => verifier.verify(request, secrets),
    signature: { header: 'plaid-verification', encoding: 'base64url', pattern: /\.([A-Za-z0-9_-]+)$/ },
  };
}

const bodyArb = (minLength = 0) =>
  fc
    .oneof(
      fc.uint8Array({ minLength, maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ unit: 'binary', minLength, maxLength: 512 }).map((text) => Buffer.from(text)),
    )
    .filter((body) => body.length >= minLength);
const offsetSecondsArb = fc.integer({ min: -290, max: 290 });

function flipBit(bytes: Buffer, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[(bit >> 3) % copy.length]! ^= 1 << (bit & 7);
  return copy;
}

/** The header value with one bit of its decoded signature flipped. */
function flipSignature(value: string, { encoding, pattern }: AsymmetricCase['signature'], bit: number): string {
  const match = pattern?.exec(value);
  const start = match ? match.index + match[0].indexOf(match[1]!) : 0;
  const end = match ? start + match[1]!.length : value.length;
  const flipped = flipBit(Buffer.from(value.slice(start, end), encoding), bit).toString(encoding);
  return value.slice(0, start) + flipped + value.slice(end);
}

describe('Public-key schemes, for any body, signing time and single-bit change', () => {
  let server: KeyServer;
  const cases = new Map<string, AsymmetricCase>();

  beforeAll(async () => {
    server = await startKeyServer();
    server.routes.set(PAYPAL_CERT_PATH, { body: paypalCert.certificate });
    const jwk = {
      ...plaidKey.publicKey.export({ format: 'jwk' }),
      alg: 'ES256',
      kid: 'property-kid',
      use: 'sig',
      created_at: NOW / 1000 - 86_400,
      expired_at: null,
    };
    server.routes.set(PLAID_KEY_PATH, { body: JSON.stringify({ key: jwk, request_id: 'req-1' }) });
    cases.set('discord', discordCase());
    cases.set('sendgrid', sendgridCase());
    cases.set('standardwebhooks v1a', standardWebhooksCase());
    cases.set('paypal', paypalCase(server));
    cases.set('plaid', plaidCase(server));
  });
  afterAll(() => server.close());

  describe.each(['discord', 'sendgrid', 'standardwebhooks v1a', 'paypal', 'plaid'])('%s', (name) => {
    const scheme = () => cases.get(name)!;
    const verify = (body: Buffer, headers: Record<string, string | string[]>) =>
      Promise.resolve(scheme().verify(webhookRequest(body, headers), scheme().secrets));

    it('verifies a genuine delivery', async () => {
      await fc.assert(
        fc.asyncProperty(bodyArb(), offsetSecondsArb, async (body, offset) => {
          expect(await verify(body, scheme().sign(body, offset))).toEqual({ verified: true });
        }),
        { numRuns: RUNS },
      );
    });

    it('rejects any single-bit change of the body', async () => {
      await fc.assert(
        fc.asyncProperty(bodyArb(1), offsetSecondsArb, fc.nat(), async (body, offset, bit) => {
          expect(await verify(flipBit(body, bit), scheme().sign(body, offset))).toEqual({ verified: false, reason: 'no_matching_signature' });
        }),
        { numRuns: RUNS },
      );
    });

    it('rejects any single-bit change of the signature', async () => {
      await fc.assert(
        fc.asyncProperty(bodyArb(), offsetSecondsArb, fc.nat(), async (body, offset, bit) => {
          const headers = scheme().sign(body, offset);
          const { header } = scheme().signature;
          const result = await verify(body, { ...headers, [header]: flipSignature(headers[header]!, scheme().signature, bit) });
          expect(result.verified).toBe(false);
        }),
        { numRuns: RUNS },
      );
    });

    it('rejects any single-bit change of the signed timestamp', async () => {
      const timestamp = scheme().timestamp;
      if (!timestamp) return void expect(name).toBe('plaid'); // Plaid's iat is inside the signed token.
      await fc.assert(
        fc.asyncProperty(bodyArb(), offsetSecondsArb, fc.nat(), async (body, offset, bit) => {
          const headers = scheme().sign(body, offset);
          const value = headers[timestamp]!;
          const index = (bit >> 3) % value.length;
          const changed = value.slice(0, index) + String.fromCharCode(value.charCodeAt(index) ^ (1 << (bit % 7))) + value.slice(index + 1);
          expect((await verify(body, { ...headers, [timestamp]: changed })).verified).toBe(false);
        }),
        { numRuns: RUNS },
      );
    });

    const junkArb = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)), maxLength: 40 }),
      fc.constantFrom(
        '',
        ' ',
        ',',
        '=',
        'v1a,',
        'v1a,' + 'A'.repeat(88),
        '0'.repeat(128),
        'A'.repeat(96),
        'a.b.c',
        'eyJhbGciOiJFUzI1NiJ9.e30.AAAA',
        'SHA256withRSA',
      ),
    );
    it('returns a rejection reason, never a throw, for arbitrary header values, duplicated headers included', async () => {
      await fc.assert(
        fc.asyncProperty(
          bodyArb(),
          // For each signed header: junk, duplicated junk, kept, or kept twice.
          fc.array(fc.oneof(junkArb, fc.array(junkArb, { minLength: 2, maxLength: 3 }), fc.constant('keep-signed'), fc.constant('duplicate-signed'))),
          async (body, choices) => {
            const headers: Record<string, string | string[]> = {};
            let keptAll = true;
            Object.entries(scheme().sign(body, 0)).forEach(([header, value], i) => {
              const choice = choices[i] ?? 'keep-signed';
              keptAll &&= choice === 'keep-signed' || choice === 'duplicate-signed' || choice === value;
              headers[header] = choice === 'keep-signed' ? value : choice === 'duplicate-signed' ? [value, value] : choice;
            });
            const result = await verify(body, headers);
            if (result.verified) expect(keptAll).toBe(true);
            else expect(REASONS).toContain(result.reason);
          },
        ),
        { numRuns: RUNS },
      );
    });
  });
});
