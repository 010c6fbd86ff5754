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
  /** How secrets are written: any text, `whsec_` + the base64 of the HMAC key, or Basic `user:password`. @default 'text' */
  readonly secret?: 'text' | 'whsec' | 'basic';
  /** A JSON body signed through the URL: the request goes to the URL plus `bodySHA256=<sha256 hex of the body>`, and only the URL is signed. */
  readonly bodyHashInUrl?: boolean;
  /** The URL is also tried as `new URL()` writes it, so a change that normalises away (`HTTP://` for `http://`) still verifies. */
  readonly urlNormalized?: boolean;
  /**
   * `'token'`: the header carries one credential sent as is, never a list, so
   * it costs one comparison per secret however it reads.
   */
  readonly credential?: 'token';
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
  if (variant.secret === 'whsec') return `whsec_${Buffer.from(text).toString('base64')}`;
  return variant.secret === 'basic' ? `user:${text}` : text;
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
  lemonsqueezy: signsBody('x-signature', 'hex'),
  razorpay: signsBody('x-razorpay-signature', 'hex'),
  coinbasecommerce: signsBody('x-cc-webhook-signature', 'hex'),
  checkoutcom: signsBody('cko-signature', 'hex'),
  paystack: signsBody('x-paystack-signature', 'hex'),
  mollie: [
    {
      name: 'sha256= over the raw body, listed signatures',
      signs: ['body'],
      body: 'bytes',
      signature: { header: 'x-mollie-signature', pattern: /sha256=([0-9a-f]+)/, encoding: 'hex', separator: ',' },
      maxComparesPerSecret: MAX_SIGNATURES_PER_HEADER,
    },
  ],
  square: [
    {
      name: 'URL then raw body',
      signs: ['url', 'body'],
      body: 'json',
      signature: { header: 'x-square-hmacsha256-signature', encoding: 'base64' },
      maxComparesPerSecret: 1,
    },
  ],
  cashfree: signsTimestampThenBody('x-webhook-signature', 'base64', 'x-webhook-timestamp'),
  authorizenet: signsBody('x-anet-signature', 'hex', /^sha512=(.*)$/),
  woocommerce: signsBody('x-wc-webhook-signature', 'base64'),
  meta: signsBody('x-hub-signature-256', 'hex', /^sha256=(.*)$/),
  whatsapp: signsBody('x-hub-signature-256', 'hex', /^sha256=(.*)$/),
  instagram: signsBody('x-hub-signature-256', 'hex', /^sha256=(.*)$/),
  bitbucket: signsBody('x-hub-signature', 'hex', /^sha256=(.*)$/),
  intercom: signsBody('x-hub-signature', 'hex', /^sha1=(.*)$/),
  vercel: signsBody('x-vercel-signature', 'hex'),
  sentry: signsBody('sentry-hook-signature', 'hex'),
  typeform: signsBody('typeform-signature', 'base64', /^sha256=(.*)$/),
  dropbox: signsBody('x-dropbox-signature', 'hex'),
  // X delivers JSON only: any other body is refused, so that its CRC reply can never sign one.
  x: signsBody('x-twitter-webhooks-signature', 'base64', /^sha256=(.*)$/).map((variant) => ({ ...variant, body: 'json' as const })),
  twitter: signsBody('x-twitter-webhooks-signature', 'base64', /^sha256=(.*)$/).map((variant) => ({ ...variant, body: 'json' as const })),
  zendesk: signsTimestampThenBody('x-zendesk-webhook-signature', 'base64', 'x-zendesk-webhook-signature-timestamp'),
  webflow: signsTimestampThenBody('x-webflow-signature', 'hex', 'x-webflow-timestamp'),
  zoom: signsTimestampThenBody('x-zm-signature', 'hex', 'x-zm-request-timestamp', /^v0=(.*)$/),
  linear: signsBody('linear-signature', 'hex'),
};

/** A sender that signs only the raw body, with one signature in `header` (after a prefix when `pattern` is given). */
function signsBody(header: string, encoding: SignatureEncoding, pattern?: RegExp): SchemeVariant[] {
  return [{ name: 'raw body', signs: ['body'], body: 'bytes', signature: { header, encoding, pattern }, maxComparesPerSecret: 1 }];
}

/** A sender that signs its timestamp header and the raw body, with one signature in `header`. */
function signsTimestampThenBody(header: string, encoding: SignatureEncoding, timestampHeader: string, pattern?: RegExp): SchemeVariant[] {
  return [
    {
      name: 'timestamp header, then raw body',
      signs: ['timestamp', 'body'],
      body: 'bytes',
      signature: { header, encoding, pattern },
      timestamp: { header: timestampHeader },
      maxComparesPerSecret: 1,
    },
  ];
}

/** A `key=value` list header (`t=…,v1=…`): the timestamp and the signatures are entries of one header. */
const keyValueList = (header: string, separator: string, timestampKey: string, signatureKey: string): SchemeVariant[] => [
  {
    name: `${timestampKey}=…${separator}${signatureKey}=… over the timestamp and body`,
    signs: ['timestamp', 'body'],
    body: 'bytes',
    signature: { header, pattern: new RegExp(`${signatureKey}=([0-9a-f]+)`), encoding: 'hex', separator },
    timestamp: { header, pattern: new RegExp(`${timestampKey}=(\\d+)`) },
    maxComparesPerSecret: MAX_SIGNATURES_PER_HEADER,
  },
];

/** Standard Webhooks `v1` under `webhook-*` names, with a secret written as the sender writes it. */
const standardWebhooksV1 = (secret: 'text' | 'whsec'): SchemeVariant[] => [{ ...standardWebhooks('webhook')[0]!, secret }];

/** A credential sent as is in `header`, read whole (`pattern` picks the base64 of Basic credentials). */
const credential = (header: string, pattern?: RegExp): SchemeVariant[] => [
  {
    name: 'the secret, sent as is',
    signs: [],
    body: 'bytes',
    signature: { header, pattern, encoding: 'base64' },
    credential: 'token',
    maxComparesPerSecret: 1,
  },
];

Object.assign(SCHEME_DESCRIPTIONS, {
  paddle: keyValueList('paddle-signature', ';', 'ts', 'h1'),
  calendly: keyValueList('calendly-webhook-signature', ',', 't', 'v1'),
  workos: keyValueList('workos-signature', ',', 't', 'v1'),
  recurly: [
    {
      name: '<timestamp>,<signature>… over timestamp.body',
      signs: ['timestamp', 'body'],
      body: 'bytes',
      signature: { header: 'recurly-signature', pattern: /^\d+,([0-9a-f]+)/, encoding: 'hex', separator: ',' },
      timestamp: { header: 'recurly-signature', pattern: /^(\d+),/ },
      maxComparesPerSecret: MAX_SIGNATURES_PER_HEADER,
    },
  ],
  pagerduty: [
    {
      name: 'v1=… list over the raw body',
      signs: ['body'],
      body: 'bytes',
      signature: { header: 'x-pagerduty-signature', pattern: /v1=([0-9a-f]+)/, encoding: 'hex', separator: ',' },
      maxComparesPerSecret: MAX_SIGNATURES_PER_HEADER,
    },
  ],
  twitch: [
    {
      name: 'sha256= over id, timestamp and body',
      signs: ['id', 'timestamp', 'body'],
      body: 'bytes',
      signature: { header: 'twitch-eventsub-message-signature', pattern: /^sha256=(.*)$/, encoding: 'hex' },
      timestamp: { header: 'twitch-eventsub-message-timestamp' },
      id: { header: 'twitch-eventsub-message-id' },
      maxComparesPerSecret: 1,
    },
  ],
  hubspot: [
    {
      name: 'v3 over method, URL, body and timestamp',
      signs: ['url', 'body', 'timestamp'],
      body: 'json',
      signature: { header: 'x-hubspot-signature-v3', encoding: 'base64' },
      timestamp: { header: 'x-hubspot-request-timestamp' },
      maxComparesPerSecret: 1,
    },
  ],
  box: [
    {
      name: 'primary signature over body and timestamp',
      signs: ['body', 'timestamp'],
      body: 'bytes',
      signature: { header: 'box-signature-primary', encoding: 'base64' },
      timestamp: { header: 'box-delivery-timestamp' },
      // One signature in each of the two headers.
      maxComparesPerSecret: 2,
    },
  ],
  docusign: [
    {
      name: 'first numbered header over the raw body',
      signs: ['body'],
      body: 'bytes',
      signature: { header: 'x-docusign-signature-1', encoding: 'base64' },
      maxComparesPerSecret: MAX_SIGNATURES_PER_HEADER,
    },
  ],
  polar: standardWebhooksV1('text'),
  supabase: standardWebhooksV1('whsec'),
  clerk: standardWebhooks('svix'),
  resend: standardWebhooks('svix'),
  dodopayments: standardWebhooks('webhook'),
  openai: standardWebhooks('webhook'),
  gitlab: credential('x-gitlab-token'),
  telegram: credential('x-telegram-bot-api-secret-token'),
  xendit: credential('x-callback-token'),
  flutterwave: credential('verif-hash'),
  okta: credential('authorization'),
  postmark: credential('authorization', /^Basic (.*)$/).map((variant) => ({ ...variant, secret: 'basic' as const })),
});

/**
 * Built-in schemes these HMAC descriptions leave out, each with what it
 * signs and where its own tests are: they verify with a public key, or over
 * fields of the body, and none of them signs the URL.
 */
export const OWN_PROPERTY_TESTS: Readonly<Record<string, string>> = {
  discord: 'Ed25519 over the timestamp and body: test/property/asymmetric-properties.spec.ts, src/verifiers/discord.verifier.spec.ts',
  sendgrid: 'ECDSA P-256 over the timestamp and body: test/property/asymmetric-properties.spec.ts, src/verifiers/sendgrid.verifier.spec.ts',
  mailgun: 'HMAC over the timestamp and token of the body: src/verifiers/mailgun.verifier.spec.ts',
  adyen: 'HMAC over fields of each notification item: src/verifiers/adyen.verifier.spec.ts',
  paypal:
    'RSA over the transmission fields and the CRC32 of the body, with fetched certificates: test/property/asymmetric-properties.spec.ts, src/verifiers/paypal.verifier.spec.ts',
  plaid: 'ES256 JWT with the SHA-256 of the body, with fetched keys: test/property/asymmetric-properties.spec.ts, src/verifiers/plaid.verifier.spec.ts',
  plaidsandbox: "as plaid, against Plaid's sandbox host: test/property/asymmetric-properties.spec.ts (as plaid), src/verifiers/plaid.verifier.spec.ts",
};
