import { createHash } from 'node:crypto';
import { parse, stringify } from 'node:querystring';
import { readHeader } from '../utils/headers.js';
import { DIGEST_BYTES, decodeSignature, encodeSignature, hmac, safeEqual, secretKeys } from '../utils/signature.js';
import {
  VERIFIED,
  rejected,
  type SignInput,
  type VerificationResult,
  type WebhookRequest,
  type WebhookVerifier,
} from './webhook-verifier.interface.js';

const URL_PARTS = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)(.*)$/is;
const HOST_PORT = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/;

/**
 * The form-post scheme of Twilio and of SignalWire's compatibility API (cXML):
 * base64(HMAC-SHA1(key, url + each param's key and value, keys sorted)).
 *
 * - The form body is parsed here from the raw bytes; values are URL-decoded.
 * - A repeated key is tried in wire order and in sorted, de-duplicated order,
 *   as the vendors' SDKs differ on it.
 * - The URL is tried as received, with the default port added and with the
 *   port removed, and with its quotes escaped or not, as the vendors'
 *   `validateRequest` does.
 * - With a `bodySHA256` query parameter (a JSON body), the URL alone is signed
 *   and sha256-hex(raw body) must equal that parameter.
 */
export class FormPostVerifier implements WebhookVerifier {
  constructor(private readonly header: string) {}

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    const header = readHeader(request.headers, this.header);
    if (header === undefined) return rejected('missing_header');
    const signature = decodeSignature(header.trim(), 'base64', DIGEST_BYTES.sha1);
    if (!signature) return rejected('malformed_header');

    const bodyHash = queryParam(request.url, 'bodySHA256');
    let payloads: readonly string[];
    if (bodyHash === undefined) {
      payloads = formPayloads(request.rawBody);
    } else {
      const expected = decodeSignature(bodyHash, 'hex', 32);
      const actual = createHash('sha256').update(request.rawBody).digest();
      if (!expected || !safeEqual(actual, expected)) return rejected('no_matching_signature');
      payloads = [''];
    }

    const keys = secretKeys(secrets);
    for (const url of urlVariants(request.url)) {
      for (const key of keys) {
        for (const payload of payloads) {
          if (safeEqual(hmac('sha1', key, [url, payload]), signature)) return VERIFIED;
        }
      }
    }
    return rejected('no_matching_signature');
  }

  /**
   * The signature's bytes: the scheme carries one signature and no id, and
   * the bytes stay the same however the base64 or the form is re-encoded.
   */
  deliveryId(request: WebhookRequest): string | undefined {
    const signature = decodeSignature(readHeader(request.headers, this.header)?.trim() ?? '', 'base64', DIGEST_BYTES.sha1);
    return signature && `signature:${signature.toString('base64url')}`;
  }

  sign(input: SignInput): Record<string, string> {
    if (input.url === undefined) {
      throw new TypeError(`The '${this.header}' scheme signs the URL: pass the full URL the request goes to as \`url\`.`);
    }
    const payload = queryParam(input.url, 'bodySHA256') === undefined ? (formPayloads(Buffer.from(input.body))[0] ?? '') : '';
    return { [this.header]: encodeSignature(hmac('sha1', input.secret, [input.url, payload]), 'base64') };
  }
}

/** One query parameter of a URL, or `undefined`. Never throws. */
function queryParam(url: string, name: string): string | undefined {
  const query = url.indexOf('?');
  // A query with neither the name nor a percent-encoding cannot hold the parameter.
  if (query === -1 || (!url.includes(name, query) && !url.includes('%', query))) return undefined;
  return new URLSearchParams(url.slice(query + 1).split('#')[0]).get(name) ?? undefined;
}

/**
 * The form parameters as signed content: keys in JS's default sort order,
 * each followed by its value. Two versions when a key repeats: values in wire
 * order, and values sorted and de-duplicated.
 */
function formPayloads(rawBody: Buffer): string[] {
  const params = new Map<string, string[]>();
  let repeats = false;
  for (const [key, value] of new URLSearchParams(rawBody.toString('utf8'))) {
    const values = params.get(key);
    if (values) {
      values.push(value);
      repeats = true;
    } else params.set(key, [value]);
  }
  const keys = [...params.keys()].sort();
  const join = (order: (values: string[]) => string[]): string => {
    let text = '';
    for (const key of keys) for (const value of order(params.get(key)!)) text += key + value;
    return text;
  };
  const wireOrder = join((values) => values);
  return repeats ? [wireOrder, join((values) => [...new Set(values)].sort())] : [wireOrder];
}

/**
 * The URLs the sender may have signed: the URL as received, then as `new URL()`
 * normalises it (`'` becomes `%27`) and with its query re-encoded by
 * `node:querystring` (`%27` becomes `'`), each with and without its port.
 * Twilio's `validateRequest` tries the same, as its back ends sign both forms.
 * The variants are built only if the URL as received does not verify.
 */
function* urlVariants(url: string): Generator<string> {
  yield url;
  const seen = new Set([url]);
  let normalized: string | undefined;
  try {
    normalized = new URL(url).toString();
  } catch {
    // Not a URL that `new URL()` reads: only the port variants of the URL as received.
  }
  const fallbacks = normalized === undefined ? [] : portVariants(normalized);
  for (const variant of [...portVariants(url), ...fallbacks, ...fallbacks.map(withLegacyQuery)]) {
    if (seen.has(variant)) continue;
    seen.add(variant);
    yield variant;
  }
}

/** A URL with its query string parsed and written again by `node:querystring`. */
function withLegacyQuery(url: string): string {
  const query = url.indexOf('?');
  if (query === -1 || query === url.length - 1) return url;
  return `${url.slice(0, query)}?${stringify(parse(url.slice(query + 1)))}`;
}

/** The URL as received, without its port, and with the scheme's default port added. */
function portVariants(url: string): string[] {
  const parts = URL_PARTS.exec(url);
  if (!parts) return [url];
  const [, scheme, authority, rest] = parts as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@') + 1;
  const hostPort = HOST_PORT.exec(authority.slice(at));
  if (!hostPort) return [url];
  const prefix = `${scheme}//${authority.slice(0, at)}${hostPort[1]}`;
  const defaultPort = scheme.toLowerCase() === 'https:' ? 443 : 80;
  return [...new Set([url, prefix + rest, hostPort[2] ? url : `${prefix}:${defaultPort}${rest}`])];
}
