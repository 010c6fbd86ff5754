import { createHash } from 'node:crypto';

/**
 * A delivery id for a scheme whose sender gives none: `signed:` and the
 * SHA-256 of exactly what the signature covers. The same signed request
 * gives the same id however its signature header is written.
 */
export function signedContentId(parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return `signed:${hash.digest('base64url')}`;
}

/** The non-empty string at `path` in a JSON body (`['event', 'id']`), or `undefined`. Never throws. */
export function jsonString(rawBody: Buffer, path: readonly string[]): string | undefined {
  const value = jsonValue(rawBody, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A body's JSON value, or `null` when its bytes are not JSON. */
type ParsedBody = { readonly value: unknown } | null;

/** The one body parsed within the current `sharingParses` call, and its value (`null`: not JSON). */
interface SharedParse {
  rawBody: Buffer | undefined;
  parsed: ParsedBody;
}

/** The parse shared within the current `sharingParses` call; `undefined` outside one. */
let shared: SharedParse | undefined;

/**
 * Runs `read` so that every reader in it (event type, delivery id,
 * handshake fields, the event itself) shares one `JSON.parse` of a body.
 * Nothing parsed is kept once it returns: a parsed body held for the rest
 * of the request, with the request's own parsed copy, costs far more in
 * garbage collection under load than the parse it saves. Synchronous only.
 */
export function sharingParses<T>(read: () => T): T {
  // Stryker disable next-line ConditionalExpression: no call runs inside another (the guard's handshake read, the dispatch and @WebhookEvent() come one after another); with `false`, one would only end the outer call's sharing early, costing a parse.
  if (shared) return read();
  // Stryker disable next-line ObjectLiteral: both fields are set before either is read; they are given here only so that every scope's object has one shape.
  shared = { rawBody: undefined, parsed: null };
  try {
    return read();
  } finally {
    shared = undefined;
  }
}

/** Length of UTF-8's byte order mark, EF BB BF, which the app's JSON parser skips at the start of a body. */
const BYTE_ORDER_MARK_LENGTH = 3;

/** Where a body's JSON text starts: past a leading UTF-8 byte order mark, as body-parser and Fastify read it. */
export function jsonStart(body: Buffer): number {
  return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? BYTE_ORDER_MARK_LENGTH : 0;
}

/**
 * The JSON value of `rawBody`, or `undefined` when it is not JSON. Parsed on
 * every call, except within {@link sharingParses}, where the same bytes are
 * parsed once. A leading byte order mark is skipped, as body-parser and
 * Fastify skip it, so the event, its type and its id are read as the
 * handler's `@Body()` is.
 */
export function parsedJson(rawBody: Buffer): { readonly value: unknown } | undefined {
  if (shared?.rawBody === rawBody) return shared.parsed ?? undefined;
  const start = jsonStart(rawBody);
  let parsed: ParsedBody = null;
  try {
    parsed = { value: JSON.parse(rawBody.toString('utf8', start)) };
  } catch {
    // Not JSON: null.
  }
  if (shared) {
    shared.rawBody = rawBody;
    shared.parsed = parsed;
  }
  return parsed ?? undefined;
}

/** The value at `path` in a JSON body, or `undefined` when the body is not JSON or has none there. Never throws. */
export function jsonValue(rawBody: Buffer, path: readonly string[]): unknown {
  let value = parsedJson(rawBody)?.value;
  for (const key of path) {
    value = typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}
