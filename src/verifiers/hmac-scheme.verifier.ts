import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import { jsonStart, parsedJson, signedContentId } from '../utils/delivery-id.js';
import { MAX_SIGNATURES_PER_HEADER, readHeader, splitList } from '../utils/headers.js';
import {
  DIGEST_BYTES,
  anyMatch,
  decodeSignatureInto,
  encodeSignature,
  hmac,
  perSecretList,
  secretKeys,
  signatureSlots,
  type HmacAlgorithm,
  type SignatureEncoding,
} from '../utils/signature.js';
import { TimestampWindow, type TimestampFormat } from '../utils/timestamp.js';
import {
  VERIFIED,
  rejected,
  type SignInput,
  type VerificationResult,
  type VerifierOptions,
  type WebhookRequest,
  type WebhookVerifier,
} from './webhook-verifier.interface.js';
import { checkMetadata, describedDeliveryId, describedEventType, describedHandshakes, type SchemeMetadata } from './scheme-metadata.js';

/** A field of the request that a signed-content template can name. */
type Field = 'id' | 'timestamp' | 'url' | 'body' | 'method';

/** The values of the fields: header values, method and URL as text, the body as given. */
interface SignedFields {
  readonly id: string | undefined;
  readonly timestamp: string | undefined;
  readonly url: string | undefined;
  readonly method: string | undefined;
  readonly body: string | Buffer;
}

/**
 * Where a scheme's timestamp is, and how it is written:
 *
 * - `{ header, format }`: a header of its own, e.g. `x-slack-request-timestamp`;
 * - `{ key, format }`: the `key=value` entry of the signature header's list,
 *   e.g. `t` of `Stripe-Signature: t=…,v1=…` (given once, or the header is malformed);
 * - `{ first: true, format }`: the first entry of the signature header's list,
 *   e.g. `recurly-signature: <timestamp>,<signature>`.
 */
export type TimestampSource =
  | { readonly header: string; readonly format: TimestampFormat }
  | { readonly key: string; readonly format: TimestampFormat }
  | { readonly first: true; readonly format: TimestampFormat };

/** How a configured secret becomes the HMAC key. */
export type SecretEncoding = 'utf8' | 'hex' | 'base64';

/**
 * An HMAC signature scheme described by data: which header, which hash and
 * encoding, and what is signed. Most vendors fit it.
 */
export interface HmacSchemeOptions extends SchemeMetadata {
  /**
   * Header that carries the signature, e.g. `'x-trophy-signature'`; or a
   * family of headers, each signed the same way, of which any one may match
   * (`['box-signature-primary', 'box-signature-secondary']`). Signing writes
   * the first. All the family's entries together count against the limit of
   * signatures per header.
   */
  readonly header: string | readonly string[];
  /** Hash of the HMAC. */
  readonly algorithm: HmacAlgorithm;
  /** How the signature is written. Hex is read case-insensitively. */
  readonly encoding: SignatureEncoding;
  /** Text before each signature, e.g. `'sha256='` or, in a `key=value` list, `'v1='`. @default '' */
  readonly prefix?: string;
  /**
   * Separator of the entries when the header lists several, e.g. `','`, or
   * `';'` for `ts=…;h1=…`. Entries are trimmed; those that do not start with
   * `prefix` are skipped. @default one signature
   */
  readonly separator?: string;
  /**
   * What is signed: a template over `{id}`, `{timestamp}`, `{method}`, `{url}`
   * and `{body}`, which it must sign, with the header values taken verbatim, the method as
   * received (`POST`), the URL as the sender called it and the body as the
   * exact bytes received.
   * @default '{body}'
   * @example '{timestamp}.{body}'
   */
  readonly signedContent?: string;
  /** Where the timestamp is, checked against the tolerance; `signedContent` must sign it as `{timestamp}`. */
  readonly timestamp?: TimestampSource;
  /** Header that carries a delivery id; `signedContent` must sign it as `{id}`. */
  readonly id?: { readonly header: string };
  /**
   * Percent-escapes the sender decodes in the URL before signing it, e.g.
   * `['%3A', '%2F']`, matched as written (`%3a` stays as received). Only for
   * a `signedContent` that signs `{url}`. In the path, an escape of `/`, `?`,
   * `#` or `;` stays as received: decoded, it would let a signed URL reach the
   * app under another route or params (`/hooks/a%3Fb=1` signed as
   * `/hooks/a?b=1`). An escape of `&`, `=`, `+`, `%` or `#` cannot be listed:
   * a sender that decodes one signs two URLs the app reads differently alike.
   * @default none: the URL as received
   */
  readonly urlDecode?: readonly string[];
  /** How a secret becomes the key: its UTF-8 bytes, or decoded from hex or base64. @default 'utf8' */
  readonly secretEncoding?: SecretEncoding;
  /**
   * Text every secret starts with, dropped before decoding, e.g. `'whsec_'`;
   * or several ways of writing it, longest first, of which the first a secret
   * starts with is dropped. A secret with none stops the app at startup.
   * @default none
   */
  readonly secretPrefix?: string | readonly string[];
  /**
   * `'json'` for a sender that only ever sends a JSON object or array: any
   * other body is rejected before an HMAC is computed. It keeps a sender's
   * unsigned challenge, which answers the HMAC of text the caller chooses
   * (X's CRC), from ever signing a body. With a `signedContent` that signs
   * `{url}`, a verified body must also parse as JSON, so that no part of a
   * signed URL can be moved into the body (`?n=12` + body re-sent as `?n=1`
   * + `2` + body). With a `signedContent` that signs `{method}`, a GET or
   * HEAD is verified with an empty body, and only with one. @default any bytes
   */
  readonly body?: 'json';
}

const TEMPLATE_FIELD = /(\{(?:id|timestamp|url|body|method)\})/;
// ASCII escapes only: one above %7F is part of a UTF-8 sequence, which decodes only whole.
const PERCENT_ESCAPE = /^%[0-7][0-9A-Fa-f]$/;
/**
 * What `urlDecode` cannot list the escape of: a sender that decodes it signs
 * `?note=1%26admin=1` and `?note=1&admin=1` alike, which the app reads as other
 * parameters (or `%252F` and `%2F`, another path), and no verifier can tell
 * which of the two the sender called.
 */
const UNDECODABLE = '&=+%#';

/** The signature header's entries, and the timestamp read from them or from its own header. */
interface ParsedHeaders {
  readonly entries: readonly string[];
  readonly timestamp: string | undefined;
}

/**
 * Verifies any {@link HmacSchemeOptions} scheme: reads the header, checks the
 * timestamp, then compares each listed signature against the HMAC of each
 * secret in constant time. The body goes to the HMAC as the bytes received.
 */
export class HmacSchemeVerifier implements WebhookVerifier {
  private readonly template: readonly (string | { field: Field })[];
  /** Parts of the signed content: the text around each `{body}`, and the bodies. */
  private readonly partCount: number;
  /** Where each request's signatures are decoded: {@link signatureSlots}. */
  private readonly slots: readonly Buffer[];
  private readonly window: TimestampWindow;
  /** True when `signedContent` names `{url}`: the URL is read, and must be the one the sender called. */
  readonly signsUrl: boolean;
  /** True when `signedContent` names `{method}`. */
  private readonly signsMethod: boolean;
  private readonly headers: readonly string[];
  private readonly urlDecoding: RegExp | undefined;
  /** `t=` for a timestamp read from the signature header's `t=…` entry. */
  private readonly timestampKey: string | undefined;
  private readonly keys: (secrets: readonly string[]) => readonly (KeyObject | undefined)[];
  declare readonly handshake?: WebhookVerifier['handshake'];
  declare readonly challenge?: WebhookVerifier['challenge'];
  declare readonly replayRetentionSeconds?: number;
  declare readonly unsignedEventTypeHeaders?: readonly string[];

  constructor(
    private readonly scheme: HmacSchemeOptions,
    options: VerifierOptions = {},
  ) {
    checkScheme(scheme);
    this.template = parseTemplate(scheme);
    this.signsUrl = this.template.some((part) => typeof part !== 'string' && part.field === 'url');
    // Stryker disable next-line ConditionalExpression,StringLiteral: a text part has no field, so it is never 'method' either way.
    this.signsMethod = this.template.some((part) => typeof part !== 'string' && part.field === 'method');
    // Stryker disable next-line all: a size the array is made with, not a limit; any size gives the same parts.
    this.partCount = 2 * this.template.filter((part) => typeof part !== 'string' && part.field === 'body').length + 1;
    this.slots = signatureSlots(DIGEST_BYTES[scheme.algorithm]);
    this.window = new TimestampWindow(options);
    this.headers = typeof scheme.header === 'string' ? [scheme.header] : scheme.header;
    this.urlDecoding = scheme.urlDecode?.length ? new RegExp(scheme.urlDecode.join('|'), 'g') : undefined;
    this.timestampKey = scheme.timestamp && 'key' in scheme.timestamp ? `${scheme.timestamp.key}=` : undefined;
    const { secretEncoding = 'utf8', secretPrefix = '' } = scheme;
    this.keys = secretEncoding === 'utf8' && secretPrefix === '' ? secretKeys : perSecretList((secret) => hmacKey(secret, secretEncoding, secretPrefix));
    Object.assign(this, describedHandshakes(scheme, options, this));
  }

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    if (this.scheme.body === 'json' && !this.bodyFits(request)) return rejected('malformed_body');
    const parsed = this.readHeaders(request);
    if (typeof parsed === 'string') return rejected(parsed);

    if (this.scheme.timestamp) {
      const problem = this.window.check(parsed.timestamp!, this.scheme.timestamp.format);
      if (problem) return rejected(problem);
    }
    const id = this.scheme.id && readHeader(request.headers, this.scheme.id.header);
    if (this.scheme.id && id === undefined) return rejected('missing_header');

    const signatures = this.decodeSignatures(parsed.entries);
    if (signatures === 0) return rejected('malformed_header');

    const content = this.signedParts({
      id,
      timestamp: parsed.timestamp,
      url: this.signsUrl ? request.url : undefined,
      method: request.method,
      body: request.rawBody,
    });
    for (const key of this.keys(secrets)) {
      if (key && anyMatch(this.slots, hmac(this.scheme.algorithm, key, content), signatures)) return this.verifiedBody(request);
    }
    return rejected('no_matching_signature');
  }

  /**
   * A JSON-only scheme that signs the URL right before the body (Square's
   * `{url}{body}`): the tail of a signed URL moved into the body also
   * verifies, so a verified body must parse as JSON. An empty one passed
   * {@link bodyFits} as a signed GET or HEAD's. Only a verified body is
   * parsed, so an unsigned request never costs a parse.
   */
  private verifiedBody(request: WebhookRequest): VerificationResult {
    return this.signsUrl && this.scheme.body === 'json' && request.rawBody.length > 0 && !parsedJson(request.rawBody) ? rejected('malformed_body') : VERIFIED;
  }

  /**
   * Whether a JSON-only scheme's body may be checked: JSON, or for a GET or
   * HEAD when the method is signed, none at all. HubSpot signs its CRM card
   * fetches, GETs, over an empty body; the method is signed, so a signed POST
   * cannot be re-sent as one with its body moved into the URL. Such a GET
   * with a body is refused: its URL signed with no body (`?ids=[1,2]`) signs
   * alike with the URL's JSON tail moved into the body (`?ids=` and `[1,2]`),
   * which parses.
   */
  private bodyFits(request: WebhookRequest): boolean {
    // Stryker disable next-line StringLiteral: no method is read as POST, which carries a body; any other text that is no method does too.
    if (this.signsMethod && BODILESS_METHODS.has(request.method || 'POST')) return request.rawBody.length === 0;
    return startsAsJson(request.rawBody);
  }

  sign(input: SignInput): Record<string, string> {
    const headers: Record<string, string> = {};
    const source = this.scheme.timestamp;
    const timestamp = source && this.window.signing(input.timestamp, source.format);
    if (source && 'header' in source) headers[source.header] = timestamp!;
    let id: string | undefined;
    if (this.scheme.id) {
      id = input.id ?? `msg_${randomUUID()}`;
      headers[this.scheme.id.header] = id;
    }
    if (input.url === undefined && this.signsUrl) {
      throw new TypeError(`The '${this.headers[0]}' scheme signs the URL: pass the full URL the request goes to as \`url\`.`);
    }
    const content = this.signedParts({ id, timestamp, url: input.url, method: input.method, body: input.body });
    const key = hmacKey(input.secret, this.scheme.secretEncoding ?? 'utf8', this.scheme.secretPrefix ?? '');
    if (!key) throw new TypeError(`The '${this.headers[0]}' scheme cannot use this secret: ${this.checkSecret(input.secret)}.`);
    const signature = (this.scheme.prefix ?? '') + encodeSignature(hmac(this.scheme.algorithm, key, content), this.scheme.encoding);
    // A timestamp in the signature header's list comes with a separator: checkScheme requires one.
    if (source && 'key' in source) headers[this.headers[0]!] = `${source.key}=${timestamp}${this.scheme.separator!}${signature}`;
    else if (source && 'first' in source) headers[this.headers[0]!] = `${timestamp}${this.scheme.separator!}${signature}`;
    else headers[this.headers[0]!] = signature;
    return headers;
  }

  /**
   * The delivery id the description names; else the scheme's id header when
   * it has one; otherwise a SHA-256 of exactly what the signature covers.
   * Not the signature header's text: re-encoding, re-ordering or dropping one
   * of several signatures would make a replay look new.
   */
  deliveryId(request: WebhookRequest): string | undefined {
    const described = this.scheme.deliveryId && describedDeliveryId(this.scheme.deliveryId, request);
    if (described !== undefined) return described;
    if (this.scheme.id) return readHeader(request.headers, this.scheme.id.header);
    const parsed = this.readHeaders(request);
    const timestamp = typeof parsed === 'string' ? undefined : parsed.timestamp;
    return signedContentId(
      this.signedParts({ id: undefined, timestamp, url: this.signsUrl ? request.url : undefined, method: request.method, body: request.rawBody }),
    );
  }

  /** The event type the description names, from the verified request. */
  eventType(request: WebhookRequest): string | undefined {
    return describedEventType(this.scheme.eventType, request);
  }

  /** Rejects, at startup, a secret without the scheme's prefix or that does not decode. */
  checkSecret(secret: string): string | undefined {
    const { secretEncoding = 'utf8', secretPrefix = '' } = this.scheme;
    if (hmacKey(secret, secretEncoding, secretPrefix)) return undefined;
    const prefix = [secretPrefix].flat().join(' or ');
    return `${prefix === '' ? 'a' : `${prefix} followed by the`} ${secretEncoding === 'utf8' ? 'secret' : `${secretEncoding} of the key`}`;
  }

  /**
   * The entries of the signature header (of every header of a family), and
   * the timestamp, or why they cannot be read.
   */
  private readHeaders(request: WebhookRequest): ParsedHeaders | 'missing_header' | 'malformed_header' {
    let entries: string[] | undefined;
    for (const name of this.headers) {
      const value = readHeader(request.headers, name);
      if (value === undefined) continue;
      const listed = splitList(value, this.scheme.separator);
      if (!listed) return 'malformed_header';
      // The first header's list is the list: no copy for the one header most schemes have.
      if (!entries) entries = listed;
      else if (entries.push(...listed) > MAX_SIGNATURES_PER_HEADER) return 'malformed_header';
    }
    if (!entries) return 'missing_header';

    const source = this.scheme.timestamp;
    if (!source) return { entries, timestamp: undefined };
    if ('header' in source) {
      const timestamp = readHeader(request.headers, source.header);
      return timestamp === undefined ? 'missing_header' : { entries, timestamp };
    }
    if ('first' in source) return entries.length === 0 ? 'malformed_header' : { entries: entries.slice(1), timestamp: entries[0] };
    // One pass: the one `key=` entry taken out, the signatures kept in place.
    const key = this.timestampKey!;
    let timestamp: string | undefined;
    let stamps = 0;
    let kept = 0;
    for (const entry of entries) {
      if (!entry.startsWith(key)) entries[kept++] = entry;
      else if (stamps++ === 0) timestamp = entry.slice(key.length);
    }
    entries.length = kept;
    return stamps === 1 ? { entries, timestamp } : 'malformed_header';
  }

  /**
   * Decodes the entries that are signatures into the first slots; gives how
   * many. `readHeaders` never gives more entries than there are slots.
   */
  private decodeSignatures(entries: readonly string[]): number {
    const prefix = this.scheme.prefix ?? '';
    let decoded = 0;
    for (const entry of entries) {
      if (entry.startsWith(prefix) && decodeSignatureInto(entry, this.scheme.encoding, this.slots[decoded]!, prefix.length)) decoded++;
    }
    return decoded;
  }

  /**
   * The signed content in as few HMAC updates as it takes: the body as the
   * bytes given, and the short fields and literals around it joined (text
   * before and after each `{body}`, `''` when there is none).
   */
  private signedParts(fields: SignedFields): (string | Buffer)[] {
    // Stryker disable next-line ArrayDeclaration: as above, the size is only made once rather than grown.
    const parts = new Array<string | Buffer>(this.partCount);
    let at = 0;
    let text = '';
    for (const part of this.template) {
      if (typeof part === 'string') text += part;
      else if (part.field === 'url') text += this.decodeUrl(fields.url ?? '');
      else if (part.field === 'method') text += fields.method || 'POST';
      else if (part.field !== 'body') text += fields[part.field] ?? '';
      else {
        parts[at++] = text;
        parts[at++] = fields.body;
        text = '';
      }
    }
    parts[at] = text;
    return parts;
  }

  /** The URL with the scheme's `urlDecode` escapes decoded: in its query, all of them; in its path, those of no `/`, `?`, `#` or `;`. */
  private decodeUrl(url: string): string {
    const decoding = this.urlDecoding;
    // Stryker disable next-line ConditionalExpression: without escapes, replace() reads its pattern as the text 'undefined', which decodes as itself.
    if (!decoding) return url;
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const decodedPath = path.replace(decoding, (escape) => {
      const decoded = decodeURIComponent(escape);
      return PATH_DELIMITERS.includes(decoded) ? escape : decoded;
    });
    return query === -1 ? decodedPath : decodedPath + url.slice(query).replace(decoding, (escape) => decodeURIComponent(escape));
  }
}

/** Methods whose requests carry no body: a JSON-only scheme that signs the method verifies them with an empty one. */
const BODILESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * What an escape in a URL's path must stay escaped as: decoded, it would move
 * the path's end or split a segment. `;` too: Fastify's `useSemicolonDelimiter`
 * ends the path there, so `/hooks/a%3Bb` signed as `/hooks/a;b` would reach
 * the app as `/hooks/a` with the query `b`.
 */
const PATH_DELIMITERS = '/?#;';

/** The HMAC key of a secret, or `undefined` when it lacks every prefix or does not decode. Never throws. */
function hmacKey(secret: string, encoding: SecretEncoding, prefixes: string | readonly string[]): KeyObject | undefined {
  const prefix = [prefixes].flat().find((candidate) => secret.startsWith(candidate));
  if (prefix === undefined) return undefined;
  const text = secret.slice(prefix.length);
  if (encoding === 'utf8') return text === '' ? undefined : createSecretKey(Buffer.from(text));
  const valid = encoding === 'hex' ? /^(?:[0-9a-fA-F]{2})+$/.test(text) : text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text);
  return valid ? createSecretKey(Buffer.from(text, encoding)) : undefined;
}

const ENCODINGS: readonly string[] = ['hex', 'base64', 'base64url'];
const TIMESTAMP_FORMATS: readonly string[] = ['unix', 'unix-ms', 'iso'];
const SECRET_ENCODINGS: readonly string[] = ['utf8', 'hex', 'base64'];

/**
 * Checks a scheme given as data (from options or JSON) at startup, so that a
 * typo stops the app instead of making every request fail with 401.
 */
function checkScheme(scheme: HmacSchemeOptions): void {
  const name = schemeName(scheme);
  const problem = (expected: string) => WebhookSecurityConfigurationError.invalidScheme(name, expected);
  const headers = typeof scheme?.header === 'string' ? [scheme.header] : scheme?.header;
  if (!Array.isArray(headers) || headers.length === 0 || !headers.every((header) => typeof header === 'string' && header.trim() !== '')) {
    throw problem('a header name, or a non-empty list of them');
  }
  if (headers.length > MAX_SIGNATURES_PER_HEADER) throw problem(`at most ${MAX_SIGNATURES_PER_HEADER} headers in its family`);
  if (!Object.hasOwn(DIGEST_BYTES, scheme.algorithm)) throw problem("an algorithm: 'sha1', 'sha256' or 'sha512'");
  if (!ENCODINGS.includes(scheme.encoding)) throw problem("an encoding: 'hex', 'base64' or 'base64url'");
  if (scheme.prefix !== undefined && typeof scheme.prefix !== 'string') throw problem('a prefix that is text');
  if (scheme.separator !== undefined && (typeof scheme.separator !== 'string' || scheme.separator === '')) {
    throw problem('a non-empty separator, or none for a single signature');
  }
  const timestamp = scheme.timestamp;
  if (timestamp !== undefined) {
    if (!TIMESTAMP_FORMATS.includes(timestamp?.format)) throw problem("a timestamp format: 'unix', 'unix-ms' or 'iso'");
    const known =
      'header' in timestamp
        ? typeof timestamp.header === 'string' && timestamp.header !== ''
        : 'key' in timestamp
          ? typeof timestamp.key === 'string'
          : 'first' in timestamp && timestamp.first === true;
    if (!known) {
      throw problem("a timestamp as { header: '...', format }, { key: 't', format } or { first: true, format }");
    }
    if (!('header' in timestamp) && (scheme.separator === undefined || headers.length > 1)) {
      throw problem("a separator, and a single header, to read the timestamp from the signature header's list");
    }
  }
  if (scheme.id !== undefined && (typeof scheme.id?.header !== 'string' || scheme.id.header === '')) throw problem('an id header name');
  if (
    scheme.urlDecode !== undefined &&
    !(
      Array.isArray(scheme.urlDecode) &&
      scheme.urlDecode.every(
        (escape: unknown) => typeof escape === 'string' && PERCENT_ESCAPE.test(escape) && !UNDECODABLE.includes(decodeURIComponent(escape)),
      )
    )
  ) {
    throw problem("urlDecode as a list of ASCII percent-escapes, none of &, =, +, % or #, e.g. ['%3A', '%2F']");
  }
  if (scheme.body !== undefined && scheme.body !== 'json') throw problem("body as 'json', or none for any bytes");
  if (scheme.secretEncoding !== undefined && !SECRET_ENCODINGS.includes(scheme.secretEncoding)) {
    throw problem("a secretEncoding: 'utf8', 'hex' or 'base64'");
  }
  const prefixes = [scheme.secretPrefix].flat();
  if (scheme.secretPrefix !== undefined && (prefixes.length === 0 || !prefixes.every((prefix) => typeof prefix === 'string'))) {
    throw problem('a secretPrefix that is text, or a non-empty list of them');
  }
  checkMetadata(scheme, name, scheme.id?.header ?? null);
}

/** The name a scheme goes by in messages: its (first) header. */
function schemeName(scheme: HmacSchemeOptions): string {
  return typeof scheme?.header === 'string' ? scheme.header : String(scheme?.header?.[0] ?? '');
}

/**
 * Splits a signed-content template into literal text and request fields, and
 * checks it at startup: every field it names has a source, and everything the
 * scheme reads is signed. A timestamp or id read but not signed could be
 * changed by anyone replaying a request.
 */
function parseTemplate(scheme: HmacSchemeOptions): (string | { field: Field })[] {
  const name = schemeName(scheme);
  const parts = (scheme.signedContent ?? '{body}')
    .split(TEMPLATE_FIELD)
    .map((part) => (TEMPLATE_FIELD.test(part) ? { field: part.slice(1, -1) as Field } : part));
  const signed = new Set(parts.flatMap((part) => (typeof part === 'string' ? [] : [part.field])));
  // A misspelt field would be signed as literal text; a template without {body} would pass bytes nobody signed.
  const unknown = parts.map((part) => (typeof part === 'string' ? /\{[^{}]*\}/.exec(part)?.[0] : undefined)).find(Boolean);
  if (unknown !== undefined || !signed.has('body')) {
    const problem = unknown === undefined ? 'it does not sign {body}' : `${unknown} is no field`;
    throw WebhookSecurityConfigurationError.invalidScheme(
      name,
      `a signedContent over {id}, {timestamp}, {method}, {url} and {body} that signs {body} (${problem})`,
    );
  }
  for (const field of ['timestamp', 'id'] as const) {
    if (signed.has(field) && !scheme[field]) throw WebhookSecurityConfigurationError.templateFieldWithoutHeader(name, field);
    if (!signed.has(field) && scheme[field]) throw WebhookSecurityConfigurationError.headerNotSigned(name, field);
  }
  if (scheme.urlDecode?.length && !signed.has('url')) {
    throw WebhookSecurityConfigurationError.invalidScheme(name, 'urlDecode only with a signedContent that signs {url}');
  }
  return parts;
}

/**
 * True when the first byte that is not blank, after a UTF-8 byte order mark,
 * is `{` or `[`: the mark is skipped as body-parser and Fastify skip it, and
 * as the body's JSON is read ({@link parsedJson}).
 */
function startsAsJson(body: Buffer): boolean {
  // Stryker disable next-line EqualityOperator: the byte past the end is undefined, no blank and no bracket, so it ends the loop as false too.
  for (let i = jsonStart(body); i < body.length; i++) {
    const byte = body[i];
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b || byte === 0x5b;
  }
  return false;
}
