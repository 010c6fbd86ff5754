import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { BuiltInScheme } from '../../src/verifiers/built-in-verifiers.js';
import type { WebhookRequest } from '../../src/verifiers/webhook-verifier.interface.js';
import { MAX_SIGNATURES_PER_HEADER } from '../../src/utils/headers.js';
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
  readonly algorithm: 'sha1' | 'sha256';
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
      request: () => ({ rawBody: manyParams(HOSTILE_BODY_BYTES), headers: headers({ [header]: base64(20), 'content-type': 'text/plain' }), url: URL_WITH_QUERY }),
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
  ...(['standardwebhooks', 'svix'] as const).map(
    (scheme): HostileCase => ({
      label: `${scheme}, ${MAX_SIGNATURES_PER_HEADER} signatures`,
      scheme,
      secret: STANDARD_WEBHOOKS_SECRET,
      key: Buffer.from(STANDARD_WEBHOOKS_SECRET.slice('whsec_'.length), 'base64'),
      algorithm: 'sha256',
      request: () => {
        const prefix = scheme === 'svix' ? 'svix' : 'webhook';
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
    }),
  ),
];
