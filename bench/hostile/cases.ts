import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BUILT_IN_VERIFIERS, type BuiltInScheme } from '../../src/verifiers/built-in-verifiers.js';
import { isTokenScheme, type SchemeDescription } from '../../src/verifiers/described-verifier.js';
import type { HmacSchemeOptions } from '../../src/verifiers/hmac-scheme.verifier.js';
import type { WebhookRequest, WebhookVerifier } from '../../src/verifiers/webhook-verifier.interface.js';
import { BUILT_IN_SCHEMES } from '../../src/verifiers/schemes/index.js';
import { MAX_SIGNATURES_PER_HEADER } from '../../src/utils/headers.js';
import { DIGEST_BYTES, encodeSignature, type HmacAlgorithm } from '../../src/utils/signature.js';
import { formatTimestamp } from '../../src/utils/timestamp.js';
import { MAX_FORM_BYTES } from '../../src/verifiers/form-post.verifier.js';
import { jsonBody } from '../lib/bodies.js';

/** Body size of every hostile case: the default `maxBodyBytes`. */
export const HOSTILE_BODY_BYTES = 1024 * 1024;
/** The one configured secret of every case. */
export const HOSTILE_SECRET = 'bench-hostile-secret-0123456789';
const STANDARD_WEBHOOKS_SECRET = `whsec_${Buffer.from('bench-hostile-standard-webhooks-k').toString('base64')}`;
/**
 * Pairs in the query of a URL-signing case: the most `node:querystring` keeps
 * and the most a form-post query may hold. 1,000 pairs of `p<n>=%27` fit in
 * Node's 16 KiB header limit.
 */
const QUERY_PAIRS = 1000;
/** Form parameters of the form cases that stay within a parameter limit of 1,000. */
const FORM_PARAMS = 1000;

/** One unauthenticated request, as the guard hands it to the verifier. */
export interface HostileCase {
  /** Row label, e.g. `twilio form, 1,000 repeated params`. */
  readonly label: string;
  /** The key in `BUILT_IN_VERIFIERS` whose verifier gets it. */
  readonly scheme: BuiltInScheme;
  /** The secret configured for the provider. */
  readonly secret: string;
  /** The HMAC key of the bare check over the same body. @default the secret */
  readonly key?: string | Buffer;
  /** The algorithm of the bare check: that of the scheme. */
  readonly algorithm: HmacAlgorithm;
  /** Builds the request; called once per process. */
  request(): WebhookRequest;
}

const nowSeconds = (): string => String(Math.floor(Date.now() / 1000));
const nowIso = (): string => new Date().toISOString();
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const base64 = (bytes: number): string => randomBytes(bytes).toString('base64');
const headers = (values: Record<string, string>): IncomingHttpHeaders => values;

/**
 * A URL the guard builds for a scheme that signs it: Host with a port (so the
 * port variants differ) and a query whose `'` `new URL()` re-encodes (so the
 * normalised variants differ too).
 */
const URL_WITH_QUERY = `http://127.0.0.1:3000/webhooks/hook?${Array.from({ length: QUERY_PAIRS }, (_, i) => `p${i}=%27`).join('&')}`;

/**
 * A form post of `size` bytes: `count` parameters that share a few names,
 * each name's values distinct and in descending order (so both value orders
 * are hashed), each value percent-encoded so that decoding does work on
 * every byte.
 */
function formOf(count: number, size: number): Buffer {
  const each = Math.floor(size / count);
  const params: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `k${i % 10}=${String(count - i).padStart(5, '0')}`;
    const value = '%41'.repeat(Math.floor((each - name.length - 1) / 3));
    params.push(name + value);
  }
  const text = params.join('&');
  return Buffer.from(text + 'A'.repeat(size - text.length));
}

/** 1 MiB of `a&`: the most parameters a body of that size can hold. */
const manyParams = (size: number): Buffer => Buffer.from('a&'.repeat(size / 2));

const JSON_BODY = (): Buffer => jsonBody(HOSTILE_BODY_BYTES);

/** `count` well-formed signatures that do not verify, as a header lists them. */
const listed = (count: number, entry: () => string, separator: string): string => Array.from({ length: count }, entry).join(separator);

function formCases(scheme: 'twilio' | 'signalwire', header: string): HostileCase[] {
  const common = { scheme, secret: HOSTILE_SECRET, algorithm: 'sha1' as const };
  return [
    {
      ...common,
      label: `${scheme} form, ${FORM_PARAMS.toLocaleString('en')} repeated params, 1,000-pair query`,
      request: () => ({
        rawBody: formOf(FORM_PARAMS, HOSTILE_BODY_BYTES),
        headers: headers({ [header]: base64(20), 'content-type': 'application/x-www-form-urlencoded' }),
        url: URL_WITH_QUERY,
      }),
    },
    {
      ...common,
      label: `${scheme} form of MAX_FORM_BYTES, ${FORM_PARAMS.toLocaleString('en')} repeated params, 1,000-pair query`,
      request: () => ({
        rawBody: formOf(FORM_PARAMS, MAX_FORM_BYTES),
        headers: headers({ [header]: base64(20), 'content-type': 'application/x-www-form-urlencoded' }),
        url: URL_WITH_QUERY,
      }),
    },
    {
      ...common,
      label: `${scheme} form, 1 MiB of a& as urlencoded`,
      request: () => ({
        rawBody: manyParams(HOSTILE_BODY_BYTES),
        headers: headers({ [header]: base64(20), 'content-type': 'application/x-www-form-urlencoded' }),
        url: URL_WITH_QUERY,
      }),
    },
    {
      ...common,
      label: `${scheme} form, 1 MiB of a& as text/plain`,
      request: () => ({
        rawBody: manyParams(HOSTILE_BODY_BYTES),
        headers: headers({ [header]: base64(20), 'content-type': 'text/plain' }),
        url: URL_WITH_QUERY,
      }),
    },
    {
      ...common,
      label: `${scheme} JSON, bodySHA256 that matches, 1,000-pair query`,
      request: () => {
        const body = JSON_BODY();
        const url = `${URL_WITH_QUERY.split('&').slice(0, -1).join('&')}&bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
        return { rawBody: body, headers: headers({ [header]: base64(20), 'content-type': 'application/json' }), url };
      },
    },
  ];
}

/** The public keys configured for the public-key schemes; their requests are signed by other keys. */
const KEYS = { ed25519: generateKeyPairSync('ed25519'), p256: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) };

/** Secrets in the formats the described schemes ask for; each case gets the first its scheme's `checkSecret` accepts. */
const SECRET_FORMATS = [HOSTILE_SECRET, STANDARD_WEBHOOKS_SECRET, `v1,${STANDARD_WEBHOOKS_SECRET}`, `user:${HOSTILE_SECRET}`];

function secretFor(scheme: BuiltInScheme): string {
  const verifier: WebhookVerifier = new BUILT_IN_VERIFIERS[scheme]();
  const secret = SECRET_FORMATS.find((candidate) => verifier.checkSecret?.(candidate) === undefined);
  if (secret === undefined) throw new Error(`no hostile secret suits '${scheme}': add its format to SECRET_FORMATS`);
  return secret;
}

/**
 * The costliest request a description reads, made from the description
 * itself: every signature slot filled (a header family's headers, a list's
 * entries up to MAX_SIGNATURES_PER_HEADER together), a current timestamp
 * where one is signed, so the HMACs are computed, and its id header. A token
 * scheme gets a wrong token of the secret's length.
 */
function describedCase(scheme: BuiltInScheme, description: SchemeDescription): HostileCase {
  const secret = secretFor(scheme);
  if (isTokenScheme(description)) {
    const header = description.header ?? 'authorization';
    const token = description.kind === 'basic' ? `Basic ${Buffer.from(`user:${hex(16)}`).toString('base64')}` : hex(secret.length);
    return {
      label: `${scheme}, wrong token`,
      scheme,
      secret,
      algorithm: 'sha256',
      request: () => ({ rawBody: JSON_BODY(), headers: headers({ [header]: token }), url: URL_WITH_QUERY }),
    };
  }
  const hmac: HmacSchemeOptions = description;
  const family = typeof hmac.header === 'string' ? [hmac.header] : hmac.header;
  const source = hmac.timestamp;
  const signature = () => (hmac.prefix ?? '') + encodeSignature(randomBytes(DIGEST_BYTES[hmac.algorithm]), hmac.encoding);
  const listedEntries = hmac.separator === undefined ? 1 : MAX_SIGNATURES_PER_HEADER - (source && !('header' in source) ? 1 : 0);
  const perHeader = Math.max(1, Math.floor(listedEntries / family.length));
  return {
    label: `${scheme}, ${family.length * perHeader} signature${family.length * perHeader === 1 ? '' : 's'}`,
    scheme,
    secret,
    algorithm: hmac.algorithm,
    request: () => {
      const now = source && formatTimestamp(new Date(), source.format);
      const values: Record<string, string> = {};
      for (const [index, header] of family.entries()) {
        const entries = Array.from({ length: perHeader }, signature);
        if (index === 0 && source && 'key' in source) entries.unshift(`${source.key}=${now}`);
        if (index === 0 && source && 'first' in source) entries.unshift(now!);
        values[header] = entries.join(hmac.separator ?? '');
      }
      if (source && 'header' in source) values[source.header] = now!;
      if (hmac.id) values[hmac.id.header] = `msg_${hex(12)}`;
      return {
        rawBody: JSON_BODY(),
        headers: headers({ ...values, 'content-type': 'application/json' }),
        url: URL_WITH_QUERY,
        query: URL_WITH_QUERY.slice(URL_WITH_QUERY.indexOf('?') + 1),
      };
    },
  };
}

/**
 * The costliest unauthenticated request found for each built-in scheme, with
 * a 1 MiB body: every signature slot the scheme reads filled with a
 * well-formed signature that does not verify, a current timestamp (so the
 * HMACs are computed), and for the form-post schemes the most parameters and
 * URL spellings that make the verifier hash again.
 */
export const HOSTILE_CASES: readonly HostileCase[] = [
  {
    label: 'trophy',
    scheme: 'trophy',
    secret: HOSTILE_SECRET,
    algorithm: 'sha256',
    request: () => ({ rawBody: JSON_BODY(), headers: headers({ 'x-trophy-signature': base64(32) }), url: URL_WITH_QUERY }),
  },
  {
    label: 'fullup',
    scheme: 'fullup',
    secret: HOSTILE_SECRET,
    algorithm: 'sha256',
    request: () => ({ rawBody: JSON_BODY(), headers: headers({ 'fullup-signature': hex(32) }), url: URL_WITH_QUERY }),
  },
  {
    label: `noyo, ${MAX_SIGNATURES_PER_HEADER} signatures`,
    scheme: 'noyo',
    secret: HOSTILE_SECRET,
    algorithm: 'sha256',
    request: () => ({
      rawBody: JSON_BODY(),
      headers: headers({ 'x-noyo-timestamp': nowIso(), 'x-noyo-signature': listed(MAX_SIGNATURES_PER_HEADER, () => hex(32), ',') }),
      url: URL_WITH_QUERY,
    }),
  },
  {
    label: 'signalwire JSON SHA-256, 1,000-pair query',
    scheme: 'signalwire',
    secret: HOSTILE_SECRET,
    algorithm: 'sha256',
    request: () => ({
      rawBody: JSON_BODY(),
      headers: headers({ 'x-signalwire-signature': hex(20), 'x-signalwire-sha256-signature': hex(32), 'content-type': 'application/json' }),
      url: URL_WITH_QUERY,
    }),
  },
  {
    label: 'signalwire JSON SHA-1, 1,000-pair query',
    scheme: 'signalwire',
    secret: HOSTILE_SECRET,
    algorithm: 'sha1',
    request: () => ({ rawBody: JSON_BODY(), headers: headers({ 'x-signalwire-signature': hex(20), 'content-type': 'application/json' }), url: URL_WITH_QUERY }),
  },
  ...formCases('signalwire', 'x-signalwire-signature'),
  {
    // `t=` counts towards the list limit, so 9 signatures beside it.
    label: `stripe, ${MAX_SIGNATURES_PER_HEADER - 1} signatures`,
    scheme: 'stripe',
    secret: HOSTILE_SECRET,
    algorithm: 'sha256',
    request: () => ({
      rawBody: JSON_BODY(),
      headers: headers({ 'stripe-signature': `t=${nowSeconds()},${listed(MAX_SIGNATURES_PER_HEADER - 1, () => `v1=${hex(32)}`, ',')}` }),
      url: URL_WITH_QUERY,
    }),
  },
  {
    label: 'github',
    scheme: 'github',
    secret: HOSTILE_SECRET,
    algorithm: 'sha256',
    request: () => ({ rawBody: JSON_BODY(), headers: headers({ 'x-hub-signature-256': `sha256=${hex(32)}` }), url: URL_WITH_QUERY }),
  },
  {
    label: 'slack',
    scheme: 'slack',
    secret: HOSTILE_SECRET,
    algorithm: 'sha256',
    request: () => ({
      rawBody: JSON_BODY(),
      headers: headers({ 'x-slack-request-timestamp': nowSeconds(), 'x-slack-signature': `v0=${hex(32)}` }),
      url: URL_WITH_QUERY,
    }),
  },
  {
    label: 'shopify',
    scheme: 'shopify',
    secret: HOSTILE_SECRET,
    algorithm: 'sha256',
    request: () => ({ rawBody: JSON_BODY(), headers: headers({ 'x-shopify-hmac-sha256': base64(32) }), url: URL_WITH_QUERY }),
  },
  ...formCases('twilio', 'x-twilio-signature'),
  ...(['standardwebhooks', 'svix', 'clerk', 'resend', 'dodopayments', 'openai'] as const).map((scheme): HostileCase => ({
    label: `${scheme}, ${MAX_SIGNATURES_PER_HEADER} signatures`,
    scheme,
    secret: STANDARD_WEBHOOKS_SECRET,
    key: Buffer.from(STANDARD_WEBHOOKS_SECRET.slice('whsec_'.length), 'base64'),
    algorithm: 'sha256',
    request: () => {
      const prefix = ['svix', 'clerk', 'resend'].includes(scheme) ? 'svix' : 'webhook';
      return {
        rawBody: JSON_BODY(),
        headers: headers({
          [`${prefix}-id`]: `msg_${hex(12)}`,
          [`${prefix}-timestamp`]: nowSeconds(),
          [`${prefix}-signature`]: listed(MAX_SIGNATURES_PER_HEADER, () => `v1,${base64(32)}`, ' '),
        }),
        url: URL_WITH_QUERY,
      };
    },
  })),
];

/** The eleven schemes above have cases of their own; every other description gets one made from it. */
const CASED: ReadonlySet<string> = new Set(HOSTILE_CASES.map(({ scheme }) => scheme));
(HOSTILE_CASES as HostileCase[]).push(
  ...Object.entries(BUILT_IN_SCHEMES)
    .filter(([scheme]) => !CASED.has(scheme))
    .map(([scheme, description]) => describedCase(scheme as BuiltInScheme, description)),
  {
    // The signature sits in the body: a 1 MiB JSON body is parsed before any HMAC.
    label: 'mailgun, signature object in a 1 MiB body',
    scheme: 'mailgun',
    secret: HOSTILE_SECRET,
    algorithm: 'sha256',
    request: () => {
      const signature = JSON.stringify({ timestamp: nowSeconds(), token: hex(25), signature: hex(32) });
      const rawBody = Buffer.concat([Buffer.from(`{"signature":${signature},"event-data":`), JSON_BODY(), Buffer.from('}')]);
      return { rawBody, headers: headers({ 'content-type': 'application/json' }), url: '' };
    },
  },
  {
    // A well-formed signature by another key: the 1 MiB body is hashed and the signature checked.
    label: 'discord, Ed25519 by another key',
    scheme: 'discord',
    secret: (KEYS.ed25519.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(-32).toString('hex'),
    algorithm: 'sha256',
    request: () => {
      const timestamp = nowSeconds();
      const rawBody = JSON_BODY();
      const signature = sign(null, Buffer.concat([Buffer.from(timestamp), rawBody]), generateKeyPairSync('ed25519').privateKey).toString('hex');
      return { rawBody, headers: headers({ 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp }), url: '' };
    },
  },
  {
    label: 'sendgrid, ECDSA P-256 by another key',
    scheme: 'sendgrid',
    secret: (KEYS.p256.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).toString('base64'),
    algorithm: 'sha256',
    request: () => {
      const timestamp = nowSeconds();
      const rawBody = JSON_BODY();
      const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
      const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), rawBody]), other).toString('base64');
      return {
        rawBody,
        headers: headers({ 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp }),
        url: '',
      };
    },
  },
  {
    label: 'adyen, HmacSignature header over a 1 MiB body',
    scheme: 'adyen',
    secret: hex(32),
    algorithm: 'sha256',
    request: () => ({ rawBody: JSON_BODY(), headers: headers({ hmacsignature: base64(32), 'content-type': 'application/json' }), url: '' }),
  },
);
