import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { parse, stringify } from 'node:querystring';
import { signedContentId } from '../utils/delivery-id.js';
import { mediaType, readHeader } from '../utils/headers.js';
import { DIGEST_BYTES, decodeSignature, encodeSignature, hmac, safeEqual, secretKeys } from '../utils/signature.js';
import { VERIFIED, rejected, type SignInput, type VerificationResult, type WebhookRequest, type WebhookVerifier } from './webhook-verifier.interface.js';

/**
 * Most parameters a form-post request may carry in its body, and apart from
 * that in its URL query, empty ones (`a=1&&b=2`) included. A request with more
 * is rejected (401) before anything is decoded, sorted or hashed; counting
 * stops at the limit. Senders' own limits are lower (Twilio's parameters
 * number a few dozen).
 */
export const MAX_FORM_PARAMETERS = 1000;

/**
 * Most bytes a form-post body may hold to be read as a form: 100 KiB, the
 * limit of Express's form parser by default, so an app on its defaults sees
 * no change. A larger one is rejected (401) before anything is decoded or
 * hashed: each HMAC pass covers the whole form, and a request may need up to
 * 8 per secret (URL spellings and value orders). The vendors' form posts are
 * a few kilobytes.
 */
export const MAX_FORM_BYTES = 100 * 1024;

const URL_PARTS = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)(.*)$/is;
const HOST_PORT = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/;
const FORM_TYPE = 'application/x-www-form-urlencoded';
const BODY_HASH_PAIR = /[?&]bodySHA256=([^&#]*)$/;
/** A parameter name as Twilio and SignalWire write their own (`CallSid`, `MessagingBinding.Address`, `SipHeader_X-Foo` aside). */
const PLAIN_KEY = /^[A-Za-z0-9_.]+$/;

/**
 * The form-post scheme of Twilio and of SignalWire's compatibility API (cXML):
 * base64(HMAC-SHA1(key, url + each param's key and value, keys sorted)).
 *
 * - The form is read from the raw bytes, only for a body sent as
 *   `application/x-www-form-urlencoded` (or an empty one): UTF-8 text whose
 *   percent-escapes decode strictly, of at most {@link MAX_FORM_BYTES} bytes
 *   and {@link MAX_FORM_PARAMETERS} parameters. Anything else is not a form and does not verify as one.
 * - A repeated key is tried in wire order and, when its values arrive out of
 *   order, in sorted order, as the vendors' SDKs differ on it. A `key=value`
 *   pair sent twice is rejected: twilio-node signs it once (it de-duplicates),
 *   but the app's parser would hand it over twice.
 * - The URL is tried as received, with the default port added and with the
 *   port removed, and with its query re-encoded, as the vendors'
 *   `validateRequest` does. A query of more than {@link MAX_FORM_PARAMETERS}
 *   parameters is rejected, and no variant drops or re-orders one.
 * - With a `bodySHA256` query parameter (a JSON body), the URL alone is signed
 *   and sha256-hex(raw body) must equal that parameter, read from the URL
 *   that verified.
 *
 * The URL and the content are joined with no separator, so a signature also
 * fits any other split of the same text: a form post to `/hooks/voice-b`
 * re-sent to `/hooks/voice` with the form `-bCallSid=…`, or a form whose last
 * value ends in `&bodySHA256=<hash>` re-sent with that text as the URL and
 * any JSON body of that hash. The vendors' SDKs accept both. Two rules keep a
 * split from moving across what the sender writes there:
 *
 * - The form's first key in signed order, the text right after the URL, must
 *   be a plain name (`[A-Za-z0-9_.]+`), as the vendors' own parameters are:
 *   a URL tail with any other character (`-`, `/`, `?`, `=`, `&`) cannot
 *   become part of it, and a JSON body is not a form.
 * - `bodySHA256` is read only as the last query parameter, where the vendors
 *   append it, and only when it occurs once: form content joined after a URL
 *   never ends there unless its last value does.
 *
 * A split that moves only plain-name characters (`/hooks/voice2` and
 * `/hooks/voice`) still verifies; replay protection makes such a copy a
 * duplicate, as its delivery id hashes the joined text.
 */
export class FormPostVerifier implements WebhookVerifier {
  /** The URL is part of what is signed. */
  readonly signsUrl = true;
  /** What each request accepted here was verified over (URL and form content), hashed for its delivery id only when asked. */
  private readonly verifiedContent = new WeakMap<WebhookRequest, readonly [string, string | Buffer]>();

  constructor(private readonly header: string) {}

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    const header = readHeader(request.headers, this.header);
    if (header === undefined) return rejected('missing_header');
    const signature = decodeSignature(header.trim(), 'base64', DIGEST_BYTES.sha1);
    if (!signature) return rejected('malformed_header');
    const received = request.url;
    if (!withinParameterLimit(queryOf(received))) return rejected('no_matching_signature');

    let form: readonly (string | Buffer)[] | null | undefined;
    let bodyHash: Buffer | undefined;
    const keys = secretKeys(secrets);
    for (const url of urlVariants(received)) {
      let payloads: readonly (string | Buffer)[] | null;
      const expectedHash = bodyHashOf(url);
      if (expectedHash === undefined) {
        // Stryker disable next-line ConditionalExpression: reading the form again for another URL spelling gives the same content.
        payloads = form === undefined ? (form = readForm(request)) : form;
      } else {
        const expected = decodeSignature(expectedHash, 'hex', 32);
        bodyHash ??= createHash('sha256').update(request.rawBody).digest();
        payloads = expected && safeEqual(bodyHash, expected) ? [''] : null;
      }
      if (!payloads) continue;
      for (const key of keys) {
        for (const payload of payloads) {
          if (!safeEqual(hmac('sha1', key, [url, payload]), signature)) continue;
          this.verifiedContent.set(request, [url, payload]);
          return VERIFIED;
        }
      }
    }
    return rejected('no_matching_signature');
  }

  /**
   * A SHA-256 of what the signature was verified over: the URL as signed and
   * the form content (or the URL alone, which holds `bodySHA256`). The same
   * delivery gets the same id however its URL, form or signature is
   * re-encoded, and the same id as a JSON delivery of the same signed content.
   */
  deliveryId(request: WebhookRequest): string | undefined {
    const verified = this.verifiedContent.get(request);
    if (verified !== undefined) return signedContentId(verified);
    // Not verified by this instance: the URL as received, and the form in wire order.
    const payload = bodyHashOf(request.url) === undefined ? (readForm(request)?.[0] ?? '') : '';
    return signedContentId([request.url, payload]);
  }

  sign(input: SignInput): Record<string, string> {
    if (input.url === undefined) {
      throw new TypeError(`The '${this.header}' scheme signs the URL: pass the full URL the request goes to as \`url\`.`);
    }
    const payload = bodyHashOf(input.url) === undefined ? (formPayloads(Buffer.from(input.body))?.[0] ?? '') : '';
    return { [this.header]: encodeSignature(hmac('sha1', input.secret, [input.url, payload]), 'base64') };
  }
}

/** The query string of a URL, without `?` and fragment; `''` for none. */
function queryOf(url: string): string {
  const query = url.indexOf('?');
  // Stryker disable next-line StringLiteral: the text only has its '&' counted, and neither text holds one.
  if (query === -1) return '';
  const hash = url.indexOf('#', query);
  return url.slice(query + 1, hash === -1 ? undefined : hash);
}

/** True when `text` holds at most {@link MAX_FORM_PARAMETERS} `&`-separated pairs. Stops counting at the limit. */
function withinParameterLimit(text: string): boolean {
  let at = -1;
  for (let separators = 0; separators < MAX_FORM_PARAMETERS; separators++) {
    at = text.indexOf('&', at + 1);
    if (at === -1) return true;
  }
  return false;
}

/**
 * The `bodySHA256` of a URL: the value of its last query parameter when that
 * is `bodySHA256` and the query holds `bodySHA256=` nowhere else;
 * `undefined` otherwise. Never throws.
 */
function bodyHashOf(url: string): string | undefined {
  const query = url.indexOf('?');
  const last = query === -1 ? null : BODY_HASH_PAIR.exec(url.slice(query));
  if (!last) return undefined;
  return url.indexOf('bodySHA256=', query) === url.length - last[0].length + 1 ? last[1] : undefined;
}

/**
 * The signed content of the request's form as UTF-8 bytes, or `null` when the body is not a
 * form this scheme signs: another content type (a JSON body is signed through
 * `bodySHA256`), too many parameters, or bytes that do not decode exactly.
 * An empty body is the empty form, whatever its content type (a GET, say).
 */
function readForm(request: WebhookRequest): readonly (string | Buffer)[] | null {
  if (request.rawBody.length === 0) return [''];
  const type = request.headers['content-type'];
  if (mediaType(Array.isArray(type) ? undefined : type) !== FORM_TYPE) return null;
  // Encoded once here, not by each HMAC pass over it (up to 8 per secret).
  return formPayloads(request.rawBody)?.map((text) => Buffer.from(text)) ?? null;
}

/**
 * The form parameters as signed content: keys in JS's default sort order,
 * each followed by its value. Two versions when a repeated key's values
 * arrive out of sorted order: values in wire order, and values sorted (the
 * vendors' SDKs differ on it). `null` for a body over {@link MAX_FORM_BYTES},
 * for a `key=value` pair sent twice, for more than
 * {@link MAX_FORM_PARAMETERS} parameters, for a first key (in signed order)
 * that is not a plain name, for bytes that are not UTF-8, and
 * for a percent-escape that does not decode to UTF-8: each would be read
 * differently by the app's own form parser than by the signature check.
 */
function formPayloads(rawBody: Buffer): string[] | null {
  if (rawBody.length > MAX_FORM_BYTES || !isUtf8(rawBody)) return null;
  const pairs = rawBody.toString('utf8').split('&', MAX_FORM_PARAMETERS + 1);
  if (pairs.length > MAX_FORM_PARAMETERS) return null;
  const params = new Map<string, string[]>();
  let inSortedOrder = true;
  for (const pair of pairs) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decodeFormComponent(equals === -1 ? pair : pair.slice(0, equals));
    const value = decodeFormComponent(equals === -1 ? '' : pair.slice(equals + 1));
    if (key === undefined || value === undefined) return null;
    const values = params.get(key);
    if (!values) {
      params.set(key, [value]);
      continue;
    }
    // A pair sent twice would reach the handler twice (or as an array) while
    // the de-duplicated content signs it once: it is not what was signed.
    if (values.includes(value)) return null;
    // Stryker disable next-line EqualityOperator: a value equal to the last was refused just above, so `<=` reads as `<`.
    if (value < values[values.length - 1]!) inSortedOrder = false;
    values.push(value);
  }
  const keys = [...params.keys()].sort();
  // Stryker disable next-line ConditionalExpression,EqualityOperator: with no keys, PLAIN_KEY tests 'undefined', a plain name.
  if (keys.length > 0 && !PLAIN_KEY.test(keys[0]!)) return null;
  const join = (order: (values: string[]) => string[]): string => {
    let text = '';
    for (const key of keys) for (const value of order(params.get(key)!)) text += key + value;
    return text;
  };
  const wireOrder = join((values) => values);
  const sorted = inSortedOrder ? wireOrder : join((values) => [...values].sort());
  // Values out of order can join to the same text as sorted ('a=a&a=': 'aaa' both ways).
  return sorted === wireOrder ? [wireOrder] : [wireOrder, sorted];
}

/**
 * A form key or value decoded (`+` is a space), or `undefined` for a
 * malformed or non-UTF-8 escape. Text with neither `%` nor `+` is its own
 * decoding.
 */
function decodeFormComponent(text: string): string | undefined {
  // Stryker disable next-line ConditionalExpression,StringLiteral: a speed-up only; decoding text with neither character gives it back unchanged.
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    // A malformed escape, or one that does not decode to UTF-8.
  }
  return undefined;
}

/**
 * The URLs the sender may have signed: the URL as received, then as `new URL()`
 * normalises its query (`'` becomes `%27`) and with its query re-encoded by
 * `node:querystring` (`%27` becomes `'`), each with and without its port.
 * Twilio's `validateRequest` tries the same, as its back ends sign both forms.
 * A normalisation that changes the path (`/a/../b`, `\`) is not tried: the
 * route the request reached must be the one signed. The variants are built
 * only if the URL as received does not verify.
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
  if (normalized !== undefined && pathOf(normalized) !== pathOf(url)) normalized = undefined;
  const fallbacks = normalized === undefined ? [] : portVariants(normalized);
  const legacy = fallbacks.flatMap((variant) => withLegacyQuery(variant) ?? []);
  for (const variant of [...portVariants(url), ...fallbacks, ...legacy]) {
    if (seen.has(variant)) continue;
    seen.add(variant);
    yield variant;
  }
}

/** The path of a URL: after the authority, before the query. */
function pathOf(url: string): string | undefined {
  const rest = URL_PARTS.exec(url)?.[3];
  return rest?.slice(0, rest.search(/[?#]|$/));
}

/**
 * A URL with its query string parsed and written again by `node:querystring`,
 * with no key limit (its default keeps only the first 1000 pairs). `undefined`
 * when a percent-escape of the query does not decode to UTF-8, which
 * `node:querystring` would replace rather than keep.
 */
function withLegacyQuery(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const text = url.slice(query + 1);
  if (decodeFormComponent(text) === undefined) return undefined;
  return `${url.slice(0, query)}?${stringify(parse(text, undefined, undefined, { maxKeys: 0 }))}`;
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
