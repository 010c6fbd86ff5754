import { jsonString, signedContentId } from '../utils/delivery-id.js';
import { readHeader, splitList } from '../utils/headers.js';
import { DIGEST_BYTES, anyMatch, decodeSignature, encodeSignature, hmac, secretKeys } from '../utils/signature.js';
import { TimestampWindow } from '../utils/timestamp.js';
import {
  VERIFIED,
  rejected,
  type SignInput,
  type VerificationResult,
  type VerifierOptions,
  type WebhookRequest,
  type WebhookVerifier,
} from './webhook-verifier.interface.js';

const HEADER = 'stripe-signature';

/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each v1 a
 * lowercase hex(HMAC-SHA256(endpoint secret, `${t}.${raw body}`)). The secret
 * `whsec_…` is used as text, not decoded. While a secret is being rolled,
 * Stripe sends one v1 per active secret; any one may match. Other schemes
 * (`v0=`, test-mode signatures) are ignored.
 *
 * The tolerance is 300 s, as in Stripe's libraries, and applies to the future
 * as well: stripe-node accepts any timestamp ahead of the clock.
 *
 * @see https://docs.stripe.com/webhooks#verify-manually
 */
export class StripeVerifier implements WebhookVerifier {
  /**
   * Stripe retries a live-mode delivery for up to 3 days with exponential backoff:
   * https://docs.stripe.com/webhooks#retries
   */
  readonly replayRetentionSeconds = 3 * 24 * 60 * 60;
  readonly signsUrl = false;
  private readonly window: TimestampWindow;

  constructor(options: VerifierOptions = {}) {
    this.window = new TimestampWindow(options);
  }

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    const header = readHeader(request.headers, HEADER);
    if (header === undefined) return rejected('missing_header');
    const parsed = parseHeader(header);
    if (!parsed) return rejected('malformed_header');

    const problem = this.window.check(parsed.timestamp, 'unix');
    if (problem) return rejected(problem);

    const content = [parsed.timestamp, '.', request.rawBody];
    for (const key of secretKeys(secrets)) {
      if (anyMatch(parsed.signatures, hmac('sha256', key, content))) return VERIFIED;
    }
    return rejected('no_matching_signature');
  }

  sign(input: SignInput): Record<string, string> {
    const timestamp = this.window.signing(input.timestamp, 'unix');
    const signature = encodeSignature(hmac('sha256', input.secret, [timestamp, '.', input.body]), 'hex');
    return { [HEADER]: `t=${timestamp},v1=${signature}` };
  }

  /**
   * The event's `id` (`evt_...`) from the verified body, which Stripe's
   * retries keep while re-signing; the signed timestamp and body if it has none.
   */
  deliveryId(request: WebhookRequest): string | undefined {
    const id = jsonString(request.rawBody, ['id']);
    if (id !== undefined) return `event:${id}`;
    const timestamp = parseHeader(readHeader(request.headers, HEADER) ?? '')?.timestamp;
    return timestamp === undefined ? undefined : signedContentId([timestamp, '.', request.rawBody]);
  }
}

/**
 * Reads `t` and every well-formed `v1` of the header. `undefined` when the
 * list is too long, `t` is missing or repeated, or no `v1` decodes.
 */
function parseHeader(header: string): { timestamp: string; signatures: Buffer[] } | undefined {
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const entry of splitList(header, ',') ?? []) {
    const equals = entry.indexOf('=');
    if (equals === -1) continue;
    const key = entry.slice(0, equals);
    const value = entry.slice(equals + 1);
    if (key === 't') {
      if (timestamp !== undefined) return undefined;
      timestamp = value;
    } else if (key === 'v1') {
      const signature = decodeSignature(value, 'hex', DIGEST_BYTES.sha256);
      if (signature) signatures.push(signature);
    }
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}
