import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { RestClient } from '@signalwire/compatibility-api';
import { validateRequest as signalWireWebApiValidateRequest } from '@signalwire/web-api';
import { signWebhook } from '../../src/testing/index.js';
import type { BuiltInScheme } from '../../src/verifiers/built-in-verifiers.js';
import type { SignInput, WebhookRequest } from '../../src/verifiers/webhook-verifier.interface.js';
import { formBody, jsonBody } from '../lib/bodies.js';

/** The secret every case signs with. */
export const SECRET = 'bench-signing-secret-0123456789';
const URL = 'https://api.example.com/webhooks/bench?tenant=bench';

/** One case, ready to time on one body. Every function returns true on the signed request. */
export interface PreparedCase {
  /** The signed request, as the guard hands it to the verifier. */
  readonly request: WebhookRequest;
  /** The same check by hand: `createHmac` over the same signed content, then `timingSafeEqual`. */
  readonly bare: () => boolean;
  /** The vendor SDKs' own verify calls on the same request, by SDK call name. */
  readonly sdks?: Readonly<Record<string, () => boolean>>;
}

/** One row group of the micro benchmark: a built-in scheme on one kind of request. */
export interface MicroCase {
  /** Row label. */
  readonly label: string;
  /** The key in `BUILT_IN_VERIFIERS` whose verifier is timed. */
  readonly scheme: BuiltInScheme;
  /** Builds the signed request and the bare and SDK checks for a body of `size` bytes. */
  prepare(size: number): PreparedCase;
}

/** Signs `body` with the library's own signer and builds the request a verifier sees. */
function signed(scheme: BuiltInScheme, body: Buffer, input: Partial<SignInput> = {}): WebhookRequest {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(signWebhook(scheme, { secret: SECRET, body, url: URL, ...input }))) {
    headers[name.toLowerCase()] = value;
  }
  return { rawBody: body, headers, url: URL };
}

/** A header of a signed request. */
function header(request: WebhookRequest, name: string): string {
  const value = request.headers[name];
  if (typeof value !== 'string') throw new Error(`the signed request has no '${name}' header`);
  return value;
}

/** The hand-written check: HMAC of `parts` in order, compared in constant time with `expected`. */
function bare(algorithm: string, key: string | Buffer, parts: readonly (string | Buffer)[], expected: Buffer): () => boolean {
  return () => {
    const mac = createHmac(algorithm, key);
    for (const part of parts) mac.update(part);
    const digest = mac.digest();
    return digest.length === expected.length && timingSafeEqual(digest, expected);
  };
}

/** The form parameters as the form scheme signs them: keys sorted, each followed by its value. */
function formSignedContent(body: Buffer): string {
  const params = [...new URLSearchParams(body.toString('utf8'))];
  return params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => key + value).join('');
}

/**
 * The micro benchmark's cases: one entry per built-in scheme (several for a
 * scheme with several kinds of request), each with the same check written by
 * hand and the vendor's own SDK where there is one.
 */
export const MICRO_CASES: readonly MicroCase[] = [
  {
    label: 'trophy',
    scheme: 'trophy',
    prepare(size) {
      const request = signed('trophy', jsonBody(size));
      const expected = Buffer.from(header(request, 'x-trophy-signature'), 'base64');
      return { request, bare: bare('sha256', SECRET, [request.rawBody], expected) };
    },
  },
  {
    label: 'fullup',
    scheme: 'fullup',
    prepare(size) {
      const request = signed('fullup', jsonBody(size));
      const expected = Buffer.from(header(request, 'fullup-signature'), 'hex');
      return { request, bare: bare('sha256', SECRET, [request.rawBody], expected) };
    },
  },
  {
    label: 'noyo',
    scheme: 'noyo',
    prepare(size) {
      const request = signed('noyo', jsonBody(size));
      const signedAt = header(request, 'x-noyo-timestamp');
      const expected = Buffer.from(header(request, 'x-noyo-signature'), 'hex');
      return { request, bare: bare('sha256', SECRET, [`${signedAt}.`, request.rawBody], expected) };
    },
  },
  {
    label: 'signalwire JSON SHA-256',
    scheme: 'signalwire',
    prepare(size) {
      const request = signed('signalwire', jsonBody(size));
      const expected = Buffer.from(header(request, 'x-signalwire-sha256-signature'), 'hex');
      return { request, bare: bare('sha256', SECRET, [URL, request.rawBody], expected) };
    },
  },
  {
    label: 'signalwire JSON SHA-1',
    scheme: 'signalwire',
    prepare(size) {
      const { rawBody, headers } = signed('signalwire', jsonBody(size));
      const { 'x-signalwire-sha256-signature': _sha256, ...sha1Only } = headers;
      const request = { rawBody, headers: sha1Only, url: URL };
      const signature = header(request, 'x-signalwire-signature');
      return {
        request,
        bare: bare('sha1', SECRET, [URL, rawBody], Buffer.from(signature, 'hex')),
        // The SDK takes the body as a string, so the conversion is part of its cost.
        sdks: {
          '@signalwire/web-api validateRequest': () =>
            signalWireWebApiValidateRequest(SECRET, signature, URL, rawBody.toString('utf8')),
        },
      };
    },
  },
  {
    label: 'signalwire form (cXML)',
    scheme: 'signalwire',
    prepare(size) {
      const request = signed('signalwire', formBody(size), { format: 'form' });
      const signature = header(request, 'x-signalwire-signature');
      return {
        request,
        // By hand, the signed content is built once; the verifier parses the body on every call.
        bare: bare('sha1', SECRET, [URL + formSignedContent(request.rawBody)], Buffer.from(signature, 'base64')),
        // The SDK takes parsed parameters; parsing them from the bytes, as a body parser would
        // (with no cap on their number), is part of its cost.
        sdks: {
          '@signalwire/compatibility-api validateRequest': () =>
            RestClient.validateRequest(SECRET, signature, URL, parseQuery(request.rawBody.toString('utf8'), '&', '=', { maxKeys: 0 }), true),
        },
      };
    },
  },
];
