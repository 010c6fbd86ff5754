import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { jsonString, signedContentId } from '../utils/delivery-id.js';
import { readHeader } from '../utils/headers.js';
import { RemoteKeyCache } from '../utils/remote-keys.js';
import { decodeSignature, safeEqual } from '../utils/signature.js';
import { TimestampWindow } from '../utils/timestamp.js';
import { VERIFIED, rejected, type VerificationResult, type VerifierOptions, type WebhookRequest, type WebhookVerifier } from './webhook-verifier.interface.js';

const HEADER = 'plaid-verification';
/** A Plaid JWT is a few hundred characters; a header far longer is not one. */
const MAX_JWT_LENGTH = 2048;
const JWT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;
/** Plaid's documented limit: a JWT issued more than 5 minutes ago is rejected. */
const MAX_AGE_SECONDS = 300;

/** Plaid's credentials, as the secret `client_id:secret`. */
interface Credentials {
  readonly clientId: string;
  readonly secret: string;
}

/**
 * Plaid: `Plaid-Verification` is an ES256 JWT. Its header's `kid` names the
 * key, fetched from Plaid's `/webhook_verification_key/get` with your API
 * credentials; its claims hold `iat` and `request_body_sha256`, the SHA-256
 * (hex) of the exact body.
 *
 * - The secret to configure is `'<client_id>:<secret>'`, your Plaid API
 *   keys for the environment (`plaid` is production, `plaidsandbox` the
 *   Sandbox): the key lookup needs them.
 * - Keys are fetched only from that environment's host, with a short
 *   timeout, and cached by `kid`. An unknown `kid` is looked up once; when
 *   Plaid cannot be reached the request gets 503 and Plaid retries.
 * - `iat` must be at most 5 minutes old, as Plaid's docs require (and not in
 *   the future beyond the tolerance).
 *
 * @see https://plaid.com/docs/api/webhooks/webhook-verification/
 */
export class PlaidVerifier implements WebhookVerifier {
  readonly signsUrl = false;
  private readonly window: TimestampWindow;
  private readonly keys: RemoteKeyCache<KeyObject>;
  private readonly endpoint: string;

  constructor(options: VerifierOptions = {}, origin = 'https://production.plaid.com') {
    this.window = new TimestampWindow(options);
    // Stryker disable next-line ArrayDeclaration: `?? ["Stryker was here"]` adds a text that no URL's origin equals.
    const origins = [origin, ...(options.keyOrigins ?? [])];
    this.endpoint = `${options.keyOrigins?.[0] ?? origin}/webhook_verification_key/get`;
    this.keys = new RemoteKeyCache({ origins, clock: options.clock }, parseKeyResponse);
  }

  async verify(request: WebhookRequest, secrets: readonly string[]): Promise<VerificationResult> {
    const token = readHeader(request.headers, HEADER)?.trim();
    if (token === undefined) return rejected('missing_header');
    const parts = token.length <= MAX_JWT_LENGTH ? JWT.exec(token) : null;
    const header = parts && parseSegment(parts[1]!);
    const signature = parts && decodeSignature(parts[3]!, 'base64url', 64);
    if (!header || !signature || header.alg !== 'ES256' || typeof header.kid !== 'string' || header.kid === '') return rejected('malformed_header');
    // Stryker disable next-line StringLiteral: any text without a colon is refused the same as ''.
    const credentials = parseCredentials(secrets[0] ?? '');
    if (!credentials) return rejected('no_matching_signature');
    // Checked again once signed; a stale token is refused before it can cost a key lookup.
    const claims = parseSegment(parts[2]!);
    if (!claims || typeof claims.iat !== 'number' || typeof claims.request_body_sha256 !== 'string') return rejected('malformed_header');
    if (!this.fresh(claims.iat)) return rejected('timestamp_out_of_tolerance');

    const key = await this.keys.get(this.endpoint, `${credentials.clientId}:${header.kid}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: credentials.clientId, secret: credentials.secret, key_id: header.kid }),
    });
    // Stryker disable next-line ConditionalExpression,StringLiteral: the key URL's origin is keyOrigins[0] or Plaid's host, both
    // allowed (startup checks that each entry is an origin), so the cache never answers 'forbidden_origin' here.
    if ('failure' in key) return rejected(key.failure === 'forbidden_origin' ? 'untrusted_key_url' : 'key_unavailable');
    if (!verifySignature('sha256', Buffer.from(`${parts[1]}.${parts[2]}`), { key: key.key, dsaEncoding: 'ieee-p1363' }, signature)) {
      return rejected('no_matching_signature');
    }

    const claimed = decodeSignature(claims.request_body_sha256, 'hex', 32);
    const actual = createHash('sha256').update(request.rawBody).digest();
    return claimed && safeEqual(claimed, actual) ? VERIFIED : rejected('no_matching_signature');
  }

  /** `iat` at most 5 minutes old, and not ahead of the clock beyond the tolerance. */
  private fresh(iat: number): boolean {
    const age = this.window.now() / 1000 - iat;
    return age <= MAX_AGE_SECONDS && age >= -this.window.toleranceSeconds;
  }

  /**
   * Plaid sends no delivery id: a hash of what the JWT signs, its claims
   * (`iat` and the body's SHA-256) as sent. Plaid's bodies repeat byte for
   * byte (`SYNC_UPDATES_AVAILABLE` names only the item), so a hash of the body
   * alone would drop its next notification of the same item as a duplicate;
   * a replayed token is one. A retry Plaid signs again is a new delivery.
   */
  deliveryId(request: WebhookRequest): string | undefined {
    // Stryker disable next-line StringLiteral: called once verify accepted the header; any text without two dots has no claims either.
    const claims = JWT.exec(readHeader(request.headers, HEADER)?.trim() ?? '')?.[2];
    return claims === undefined ? undefined : signedContentId([claims]);
  }

  /** The signed body's `webhook_type` and `webhook_code`, e.g. `TRANSACTIONS.SYNC_UPDATES_AVAILABLE`. */
  eventType(request: WebhookRequest): string | undefined {
    const type = jsonString(request.rawBody, ['webhook_type']);
    const code = jsonString(request.rawBody, ['webhook_code']);
    return type && code ? `${type}.${code}` : undefined;
  }

  /** Rejects, at startup, a secret that is not `client_id:secret`. */
  checkSecret(secret: string): string | undefined {
    return parseCredentials(secret)
      ? undefined
      : "your Plaid API keys as '<client_id>:<secret>', e.g. `${process.env.PLAID_CLIENT_ID}:${process.env.PLAID_SECRET}`";
  }
}

/** Plaid's Sandbox: the same scheme, with keys from `sandbox.plaid.com`. */
export class PlaidSandboxVerifier extends PlaidVerifier {
  constructor(options: VerifierOptions = {}) {
    super(options, 'https://sandbox.plaid.com');
  }
}

function parseCredentials(value: string): Credentials | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) return undefined;
  return { clientId: value.slice(0, colon), secret: value.slice(colon + 1) };
}

/** A JWT segment as a JSON object, or `undefined`. */
function parseSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    // Stryker disable next-line ConditionalExpression,LogicalOperator: every caller checks the type of the fields it reads, which an array, a number or a string lacks, and refuses null.
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // Not base64url JSON.
  }
  return undefined;
}

/** The P-256 key of a `/webhook_verification_key/get` response, unless it has expired. */
function parseKeyResponse(body: string): KeyObject | undefined {
  try {
    const { key } = JSON.parse(body) as { key?: { kty?: string; crv?: string; x?: string; y?: string; expired_at?: unknown } };
    // Stryker disable next-line OptionalChaining: without a key, `key.kty` throws, which the catch below answers the same.
    if (key?.kty !== 'EC' || key.crv !== 'P-256') return undefined;
    if (key.expired_at !== null && key.expired_at !== undefined) return undefined;
    // Throws, caught below, unless x and y are the base64url coordinates of a P-256 point.
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: key.x, y: key.y }, format: 'jwk' });
  } catch {
    // Not JSON, or not a key.
  }
  return undefined;
}
