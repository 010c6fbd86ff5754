import { randomUUID } from 'node:crypto';
import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import { signedContentId } from '../utils/delivery-id.js';
import { readHeader, splitList } from '../utils/headers.js';
import {
  DIGEST_BYTES,
  anyMatch,
  decodeSignature,
  encodeSignature,
  hmac,
  secretKeys,
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

/** A field of the request that a signed-content template can name. */
type Field = 'id' | 'timestamp' | 'url' | 'body';

/** The values of the fields: header values and URL as text, the body as given. */
interface SignedFields {
  readonly id: string | undefined;
  readonly timestamp: string | undefined;
  readonly url: string | undefined;
  readonly body: string | Buffer;
}

/**
 * An HMAC signature scheme described by data: which header, which hash and
 * encoding, and what is signed. Most vendors fit it.
 */
export interface HmacSchemeOptions {
  /** Header that carries the signature, e.g. `'x-trophy-signature'`. */
  readonly header: string;
  /** Hash of the HMAC. */
  readonly algorithm: HmacAlgorithm;
  /** How the signature is written. Hex is read case-insensitively. */
  readonly encoding: SignatureEncoding;
  /** Text before each signature, e.g. `'sha256='`. @default '' */
  readonly prefix?: string;
  /** Separator when the header lists several signatures, e.g. `','`. @default one signature */
  readonly separator?: string;
  /**
   * What is signed: a template over `{id}`, `{timestamp}`, `{url}` and `{body}`,
   * with the header values taken verbatim and the body as the exact bytes received.
   * @default '{body}'
   * @example '{timestamp}.{body}'
   */
  readonly signedContent?: string;
  /** Header that carries the timestamp, checked against the tolerance; `signedContent` must sign it as `{timestamp}`. */
  readonly timestamp?: { readonly header: string; readonly format: TimestampFormat };
  /** Header that carries a delivery id; `signedContent` must sign it as `{id}`. */
  readonly id?: { readonly header: string };
}

const TEMPLATE_FIELD = /(\{(?:id|timestamp|url|body)\})/;

/**
 * Verifies any {@link HmacSchemeOptions} scheme: reads the header, checks the
 * timestamp, then compares each listed signature against the HMAC of each
 * secret in constant time. The body goes to the HMAC as the bytes received.
 */
export class HmacSchemeVerifier implements WebhookVerifier {
  private readonly template: readonly (string | { field: Field })[];
  private readonly digestBytes: number;
  private readonly window: TimestampWindow;
  /** True when `signedContent` names `{url}`: the URL is read, and must be the one the sender called. */
  readonly signsUrl: boolean;

  constructor(
    private readonly scheme: HmacSchemeOptions,
    options: VerifierOptions = {},
  ) {
    checkScheme(scheme);
    this.template = parseTemplate(scheme);
    this.signsUrl = this.template.some((part) => typeof part !== 'string' && part.field === 'url');
    this.digestBytes = DIGEST_BYTES[scheme.algorithm];
    this.window = new TimestampWindow(options);
  }

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    const header = readHeader(request.headers, this.scheme.header);
    if (header === undefined) return rejected('missing_header');

    let timestamp: string | undefined;
    if (this.scheme.timestamp) {
      timestamp = readHeader(request.headers, this.scheme.timestamp.header);
      if (timestamp === undefined) return rejected('missing_header');
      const problem = this.window.check(timestamp, this.scheme.timestamp.format);
      if (problem) return rejected(problem);
    }
    const id = this.scheme.id && readHeader(request.headers, this.scheme.id.header);
    if (this.scheme.id && id === undefined) return rejected('missing_header');

    const signatures = this.parseSignatures(header);
    if (signatures.length === 0) return rejected('malformed_header');

    // The URL is built from the request only for a scheme that signs it.
    const content = this.signedParts({ id, timestamp, url: this.signsUrl ? request.url : undefined, body: request.rawBody });
    for (const key of secretKeys(secrets)) {
      if (anyMatch(signatures, hmac(this.scheme.algorithm, key, content))) return VERIFIED;
    }
    return rejected('no_matching_signature');
  }

  sign(input: SignInput): Record<string, string> {
    const headers: Record<string, string> = {};
    let timestamp: string | undefined;
    if (this.scheme.timestamp) {
      timestamp = this.window.signing(input.timestamp, this.scheme.timestamp.format);
      headers[this.scheme.timestamp.header] = timestamp;
    }
    let id: string | undefined;
    if (this.scheme.id) {
      id = input.id ?? `msg_${randomUUID()}`;
      headers[this.scheme.id.header] = id;
    }
    if (input.url === undefined && this.signsUrl) {
      throw new TypeError(`The '${this.scheme.header}' scheme signs the URL: pass the full URL the request goes to as \`url\`.`);
    }
    const content = this.signedParts({ id, timestamp, url: input.url, body: input.body });
    headers[this.scheme.header] = (this.scheme.prefix ?? '') + encodeSignature(hmac(this.scheme.algorithm, input.secret, content), this.scheme.encoding);
    return headers;
  }

  /**
   * The scheme's id header when it has one; otherwise a SHA-256 of exactly
   * what the signature covers. Not the signature header's text: re-encoding,
   * re-ordering or dropping one of several signatures would make a replay
   * look new.
   */
  deliveryId(request: WebhookRequest): string | undefined {
    if (this.scheme.id) return readHeader(request.headers, this.scheme.id.header);
    const timestamp = this.scheme.timestamp && readHeader(request.headers, this.scheme.timestamp.header);
    return signedContentId(this.signedParts({ id: undefined, timestamp, url: this.signsUrl ? request.url : undefined, body: request.rawBody }));
  }

  /**
   * The signed content in as few HMAC updates as it takes: the body as the
   * bytes given, and the short header fields and literals around it joined.
   */
  private signedParts(fields: SignedFields): (string | Buffer)[] {
    const parts: (string | Buffer)[] = [];
    let text = '';
    for (const part of this.template) {
      if (typeof part === 'string') text += part;
      else if (part.field !== 'body') text += fields[part.field] ?? '';
      else {
        if (text !== '') parts.push(text);
        parts.push(fields.body);
        text = '';
      }
    }
    if (text !== '') parts.push(text);
    return parts;
  }

  private parseSignatures(header: string): Buffer[] {
    const prefix = this.scheme.prefix ?? '';
    const signatures: Buffer[] = [];
    for (const entry of splitList(header, this.scheme.separator) ?? []) {
      if (!entry.startsWith(prefix)) continue;
      const decoded = decodeSignature(entry.slice(prefix.length), this.scheme.encoding, this.digestBytes);
      if (decoded) signatures.push(decoded);
    }
    return signatures;
  }
}

const ENCODINGS: readonly string[] = ['hex', 'base64', 'base64url'];
const TIMESTAMP_FORMATS: readonly string[] = ['unix', 'unix-ms', 'iso'];

/**
 * Checks a scheme given as data (from options or JSON) at startup, so that a
 * typo stops the app instead of making every request fail with 401.
 */
function checkScheme(scheme: HmacSchemeOptions): void {
  const problem = (expected: string) => WebhookSecurityConfigurationError.invalidScheme(scheme?.header, expected);
  if (typeof scheme?.header !== 'string' || scheme.header.trim() === '') throw problem('a header name');
  if (!Object.hasOwn(DIGEST_BYTES, scheme.algorithm)) throw problem("an algorithm: 'sha1', 'sha256' or 'sha512'");
  if (!ENCODINGS.includes(scheme.encoding)) throw problem("an encoding: 'hex', 'base64' or 'base64url'");
  if (scheme.separator !== undefined && (typeof scheme.separator !== 'string' || scheme.separator === '')) {
    throw problem('a non-empty separator, or none for a single signature');
  }
  if (scheme.timestamp && (typeof scheme.timestamp.header !== 'string' || !TIMESTAMP_FORMATS.includes(scheme.timestamp.format))) {
    throw problem("a timestamp header name and format: 'unix', 'unix-ms' or 'iso'");
  }
  if (scheme.id && typeof scheme.id.header !== 'string') throw problem('an id header name');
}

/**
 * Splits a signed-content template into literal text and request fields, and
 * checks it at startup: every field it names has a header, and every header
 * the scheme reads is signed. A timestamp or id read but not signed could be
 * changed by anyone replaying a request.
 */
function parseTemplate(scheme: HmacSchemeOptions): (string | { field: Field })[] {
  const parts = (scheme.signedContent ?? '{body}')
    .split(TEMPLATE_FIELD)
    .filter((part) => part !== '')
    .map((part) => (TEMPLATE_FIELD.test(part) ? { field: part.slice(1, -1) as Field } : part));
  const signed = new Set(parts.flatMap((part) => (typeof part === 'string' ? [] : [part.field])));
  for (const field of ['timestamp', 'id'] as const) {
    if (signed.has(field) && !scheme[field]) throw WebhookSecurityConfigurationError.templateFieldWithoutHeader(scheme.header, field);
    if (!signed.has(field) && scheme[field]) throw WebhookSecurityConfigurationError.headerNotSigned(scheme.header, field);
  }
  return parts;
}
