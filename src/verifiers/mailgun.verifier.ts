import { jsonValue } from '../utils/delivery-id.js';
import { DIGEST_BYTES, decodeSignature, encodeSignature, hmac, safeEqual, secretKeys } from '../utils/signature.js';
import { signingSeconds, TimestampWindow } from '../utils/timestamp.js';
import {
  VERIFIED,
  rejected,
  type SignInput,
  type VerificationResult,
  type VerifierOptions,
  type WebhookRequest,
  type WebhookVerifier,
} from './webhook-verifier.interface.js';

/** Mailgun's token is 50 characters; anything far longer is not one. */
const MAX_TOKEN_LENGTH = 256;

/** The signature object of a Mailgun webhook body. */
interface MailgunSignature {
  readonly timestamp: string;
  readonly token: string;
  readonly signature: string;
}

/**
 * Mailgun: the JSON body carries `signature: { timestamp, token, signature }`,
 * where `signature` is hex(HMAC-SHA256(webhook signing key, timestamp + token)).
 * The key is the HTTP webhook signing key from Sending → Webhooks.
 *
 * The signature covers the timestamp and token only, not `event-data`. So:
 * - the timestamp must lie within the tolerance, 5 minutes by default;
 * - replay protection is required, keyed on the token, so that each
 *   signature is used once: a provider without `replay` fails at startup.
 *
 * @see https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks
 */
export class MailgunVerifier implements WebhookVerifier {
  /**
   * Mailgun retries for 8 hours, after 5 min, 10 min, 15 min, 1 h, 2 h and 4 h:
   * https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/webhook-retries.
   */
  readonly replayRetentionSeconds = 8 * 60 * 60;
  readonly signsUrl = false;
  readonly requiresReplay = 'Mailgun signs only the timestamp and token, not the event data, so each signature must be accepted once';
  private readonly window: TimestampWindow;

  constructor(options: VerifierOptions = {}) {
    this.window = new TimestampWindow(options);
  }

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    const fields = signatureOf(request.rawBody);
    if (fields === undefined) return rejected('malformed_body');
    const problem = this.window.check(fields.timestamp, 'unix');
    if (problem) return rejected(problem);
    const signature = decodeSignature(fields.signature, 'hex', DIGEST_BYTES.sha256);
    if (!signature) return rejected('malformed_header');

    for (const key of secretKeys(secrets)) {
      if (safeEqual(hmac('sha256', key, [fields.timestamp, fields.token]), signature)) return VERIFIED;
    }
    return rejected('no_matching_signature');
  }

  /** The signed token, which Mailgun makes anew for every request. */
  deliveryId(request: WebhookRequest): string | undefined {
    const token = signatureOf(request.rawBody)?.token;
    return token === undefined ? undefined : `token:${token}`;
  }

  /** Mailgun signs inside the body: build it with {@link MailgunVerifier.signatureFor}. */
  sign(): Record<string, string> {
    throw new TypeError('Mailgun signs inside the body, not in a header: build the body with MailgunVerifier.signatureFor().');
  }

  /**
   * The `signature` object Mailgun would put in a body, for tests:
   * `JSON.stringify({ signature: MailgunVerifier.signatureFor(...), 'event-data': {...} })`.
   */
  static signatureFor(input: Pick<SignInput, 'secret'> & { token: string; timestamp?: number }): MailgunSignature {
    const timestamp = String(input.timestamp === undefined ? Math.floor(Date.now() / 1000) : signingSeconds(input.timestamp));
    return { timestamp, token: input.token, signature: encodeSignature(hmac('sha256', input.secret, [timestamp, input.token]), 'hex') };
  }
}

/** The body's `signature` object, when it has exactly the string (or, for the timestamp, whole-number) fields. */
function signatureOf(rawBody: Buffer): MailgunSignature | undefined {
  const value = jsonValue(rawBody, ['signature']);
  if (typeof value !== 'object' || value === null) return undefined;
  const { timestamp, token, signature } = value as Record<string, unknown>;
  const time = Number.isSafeInteger(timestamp) ? String(timestamp) : timestamp;
  if (typeof time !== 'string' || typeof token !== 'string' || typeof signature !== 'string') return undefined;
  if (token === '' || token.length > MAX_TOKEN_LENGTH) return undefined;
  return { timestamp: time, token, signature };
}
