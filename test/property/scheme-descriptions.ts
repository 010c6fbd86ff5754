import { createHash } from 'node:crypto';
import type { SignInput } from '../../src/verifiers/webhook-verifier.interface.js';
import type { SignatureEncoding } from '../../src/utils/signature.js';
import { MAX_SIGNATURES_PER_HEADER } from '../../src/utils/headers.js';

/** A part of a request that a scheme may put under its signature. */
export type SignedPart = 'body' | 'id' | 'timestamp' | 'url';

/** Where a value sits in a header: the first group of `pattern`, or the whole value. */
export interface HeaderValue {
  readonly header: string;
  readonly pattern?: RegExp;
}

/**
 * What one way of signing covers, as the property tests need to know it.
 * Several variants describe a vendor that signs in several ways.
 */
export interface SchemeVariant {
  readonly name: string;
  /** What is signed. A part that is not listed must not change the verdict. */
  readonly signs: readonly SignedPart[];
  /**
   * `'bytes'`: any bytes, signed as received. `'json'`: one JSON object or
   * array, signed as received. `'form'`: an urlencoded body, signed as its
   * decoded parameters.
   */
  readonly body: 'bytes' | 'json' | 'form';
  /** `SignInput.format` to sign this variant with. */
  readonly format?: SignInput['format'];
  /** The signature that decides, with its encoding, and the separator of its entries if the header lists several. */
  readonly signature: HeaderValue & { readonly encoding: SignatureEncoding; readonly separator?: string };
  readonly timestamp?: HeaderValue;
  readonly id?: HeaderValue;
  /** How secrets are written: any text, or `whsec_` + the base64 of the HMAC key. @default 'text' */
  readonly secret?: 'text' | 'whsec';
  /** A JSON body signed through the URL: the request goes to the URL plus `bodySHA256=<sha256 hex of the body>`, and only the URL is signed. */
  readonly bodyHashInUrl?: boolean;
  /** The URL is also tried as `new URL()` writes it, so a change that normalises away (`HTTP://` for `http://`) still verifies. */
  readonly urlNormalized?: boolean;
  /** Headers the signer adds that this variant leaves out. */
  readonly omit?: readonly string[];
  /**
   * Documented bound: constant-time comparisons per configured secret, however
   * many signatures a header lists. A list longer than MAX_SIGNATURES_PER_HEADER
   * is rejected before any comparison.
   */
  readonly maxComparesPerSecret: number;
}

/** A secret for `variant` made from `text`, written the way that scheme's secrets are. */
export function secretFor(variant: SchemeVariant, text: string): string {
  return variant.secret === 'whsec' ? `whsec_${Buffer.from(text).toString('base64')}` : text;
}

/** The URL a request of `variant` with `body` goes to: `url`, plus `bodySHA256` for variants that sign the body through it. */
export function urlFor(variant: SchemeVariant, url: string, body: string | Buffer): string {
  if (!variant.bodyHashInUrl) return url;
  return `${url}${url.includes('?') ? '&' : '?'}bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
}

/**
 * The URL tried in 3 spellings (as received, as `new URL()` writes it, with
 * its query re-encoded), each with and without its port, and repeated keys in
 * 2 orders: at most 3 × 3 × 2 comparisons.
 */
const FORM_POST_COMPARES = 18;

/** The form-post scheme's JSON variant, under the header `header`; SignalWire signs it with `format: 'form'`. */
const bodyHashInUrl = (header: string): SchemeVariant => ({
  name: 'JSON, body hash in the URL (bodySHA256)',
  signs: ['url', 'body'],
  body: 'bytes',
  format: 'form',
  bodyHashInUrl: true,
  signature: { header, encoding: 'base64' },
  urlNormalized: true,
  maxComparesPerSecret: FORM_POST_COMPARES,
});

const standardWebhooks = (prefix: 'webhook' | 'svix'): SchemeVariant[] => [
  {
    name: 'v1 (HMAC-SHA256 with a whsec_ key), listed signatures',
    signs: ['id', 'timestamp', 'body'],
    body: 'bytes',
    secret: 'whsec',
    signature: { header: `${prefix}-signature`, pattern: /v1,(\S+)/, encoding: 'base64', separator: ' ' },
    timestamp: { header: `${prefix}-timestamp` },
    id: { header: `${prefix}-id` },
    maxComparesPerSecret: MAX_SIGNATURES_PER_HEADER,
  },
];

/** One entry per built-in scheme. The harness fails on a built-in scheme missing here. */
export const SCHEME_DESCRIPTIONS: Readonly<Record<string, readonly SchemeVariant[]>> = {
  trophy: [{ name: 'raw body', signs: ['body'], body: 'bytes', signature: { header: 'x-trophy-signature', encoding: 'base64' }, maxComparesPerSecret: 1 }],
  fullup: [{ name: 'raw body', signs: ['body'], body: 'bytes', signature: { header: 'fullup-signature', encoding: 'hex' }, maxComparesPerSecret: 1 }],
  noyo: [
    {
      name: 'timestamp.body, listed signatures',
      signs: ['timestamp', 'body'],
      body: 'bytes',
      signature: { header: 'x-noyo-signature', encoding: 'hex', separator: ',' },
      timestamp: { header: 'x-noyo-timestamp' },
      maxComparesPerSecret: MAX_SIGNATURES_PER_HEADER,
    },
  ],
  signalwire: [
    {
      name: 'SWML, SHA-256 header',
      signs: ['url', 'body'],
      body: 'json',
      signature: { header: 'x-signalwire-sha256-signature', encoding: 'hex' },
      maxComparesPerSecret: 1,
    },
    {
      name: 'SWML, SHA-1 header alone',
      signs: ['url', 'body'],
      body: 'json',
      signature: { header: 'x-signalwire-signature', encoding: 'hex' },
      omit: ['x-signalwire-sha256-signature'],
      maxComparesPerSecret: 1,
    },
    {
      name: 'cXML form post',
      signs: ['url', 'body'],
      body: 'form',
      format: 'form',
      signature: { header: 'x-signalwire-signature', encoding: 'base64' },
      urlNormalized: true,
      maxComparesPerSecret: FORM_POST_COMPARES,
    },
    bodyHashInUrl('x-signalwire-signature'),
  ],
  stripe: [
    {
      name: 't=…,v1=… over timestamp.body',
      signs: ['timestamp', 'body'],
      body: 'bytes',
      signature: { header: 'stripe-signature', pattern: /v1=([0-9a-f]+)/, encoding: 'hex', separator: ',' },
      timestamp: { header: 'stripe-signature', pattern: /t=(\d+)/ },
      maxComparesPerSecret: MAX_SIGNATURES_PER_HEADER,
    },
  ],
  github: [
    {
      name: 'sha256= over the raw body',
      signs: ['body'],
      body: 'bytes',
      signature: { header: 'x-hub-signature-256', pattern: /^sha256=(.*)$/, encoding: 'hex' },
      maxComparesPerSecret: 1,
    },
  ],
  slack: [
    {
      name: 'v0= over v0:timestamp:body',
      signs: ['timestamp', 'body'],
      body: 'bytes',
      signature: { header: 'x-slack-signature', pattern: /^v0=(.*)$/, encoding: 'hex' },
      timestamp: { header: 'x-slack-request-timestamp' },
      maxComparesPerSecret: 1,
    },
  ],
  shopify: [{ name: 'raw body', signs: ['body'], body: 'bytes', signature: { header: 'x-shopify-hmac-sha256', encoding: 'base64' }, maxComparesPerSecret: 1 }],
  twilio: [
    {
      name: 'form post',
      signs: ['url', 'body'],
      body: 'form',
      signature: { header: 'x-twilio-signature', encoding: 'base64' },
      urlNormalized: true,
      maxComparesPerSecret: FORM_POST_COMPARES,
    },
    bodyHashInUrl('x-twilio-signature'),
  ],
  standardwebhooks: standardWebhooks('webhook'),
  svix: standardWebhooks('svix'),
};

/**
 * Built-in schemes these HMAC descriptions leave out, each with what it
 * signs and where its own tests are: they verify with a public key, or over
 * fields of the body, and none of them signs the URL.
 */
export const OWN_PROPERTY_TESTS: Readonly<Record<string, string>> = {
  discord: 'Ed25519 over the timestamp and body: src/verifiers/discord.verifier.spec.ts, test/handshakes.e2e-spec.ts',
  sendgrid: 'ECDSA P-256 over the timestamp and body: src/verifiers/sendgrid.verifier.spec.ts, test/handshakes.e2e-spec.ts',
  mailgun: 'HMAC over the timestamp and token of the body: src/verifiers/mailgun.verifier.spec.ts',
  adyen: 'HMAC over fields of each notification item: src/verifiers/adyen.verifier.spec.ts',
  paypal: 'RSA over the transmission fields and the CRC32 of the body, with fetched certificates: src/verifiers/paypal.verifier.spec.ts',
  plaid: 'ES256 JWT with the SHA-256 of the body, with fetched keys: src/verifiers/plaid.verifier.spec.ts',
  plaidsandbox: 'as plaid: src/verifiers/plaid.verifier.spec.ts',
};
