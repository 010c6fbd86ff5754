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

/** Each body parsed so far, by its bytes: `null` when they are not JSON. */
const parsedBodies = new WeakMap<Buffer, { readonly value: unknown } | null>();

/**
 * The JSON value of `rawBody`, or `undefined` when it is not JSON. A body is
 * parsed once, however many readers ask for its event type, id, handshake
 * fields or event: the same bytes give the same value, shared by them all.
 */
export function parsedJson(rawBody: Buffer): { readonly value: unknown } | undefined {
  let parsed = parsedBodies.get(rawBody);
  if (parsed === undefined) {
    try {
      parsed = { value: JSON.parse(rawBody.toString('utf8')) };
    } catch {
      parsed = null;
    }
    parsedBodies.set(rawBody, parsed);
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
