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

/** The value at `path` in a JSON body, or `undefined` when the body is not JSON or has none there. Never throws. */
export function jsonValue(rawBody: Buffer, path: readonly string[]): unknown {
  let value: unknown;
  try {
    value = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  for (const key of path) {
    value = typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}
