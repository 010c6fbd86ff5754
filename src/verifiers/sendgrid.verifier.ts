import { sign as signMessage, verify as verifySignature } from 'node:crypto';
import { signedContentId } from '../utils/delivery-id.js';
import { readHeader } from '../utils/headers.js';
import { spkiPublicKey, strictBase64 } from '../utils/public-key.js';
import { perSecretList } from '../utils/signature.js';
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

const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';
/** A DER ECDSA P-256 signature is at most 72 bytes: 96 base64 characters. */
const MAX_SIGNATURE_CHARS = 96;

/** The configured verification keys, decoded once per list of secrets. */
const publicKeys = perSecretList((secret: string) => spkiPublicKey(secret, 'prime256v1'));

/**
 * SendGrid's signed Event Webhook: `X-Twilio-Email-Event-Webhook-Signature`
 * is the base64 DER ECDSA P-256 / SHA-256 signature of
 * `${X-Twilio-Email-Event-Webhook-Timestamp}${raw body}`.
 *
 * - The secret to configure is the verification key shown under Settings →
 *   Mail Settings → Event Webhook once signing is on: base64 DER, or PEM.
 * - The timestamp (Unix seconds) is signed; it must lie within the
 *   tolerance, 5 minutes by default, either way.
 * - The body is an array of events, each with its own `sg_event_id`; the
 *   delivery id for replay is a hash of the signed timestamp and body.
 *
 * @see https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
 */
export class SendGridVerifier implements WebhookVerifier {
  readonly signsUrl = false;
  private readonly window: TimestampWindow;

  constructor(options: VerifierOptions = {}) {
    this.window = new TimestampWindow(options);
  }

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    const header = readHeader(request.headers, SIGNATURE)?.trim();
    const timestamp = readHeader(request.headers, TIMESTAMP);
    if (header === undefined || timestamp === undefined) return rejected('missing_header');
    const problem = this.window.check(timestamp, 'unix');
    if (problem) return rejected(problem);
    const signature = header.length <= MAX_SIGNATURE_CHARS ? strictBase64(header) : undefined;
    if (!signature?.length) return rejected('malformed_header');

    const message = Buffer.concat([Buffer.from(timestamp), request.rawBody]);
    for (const key of publicKeys(secrets)) {
      if (key && verifySignature('sha256', message, key, signature)) return VERIFIED;
    }
    return rejected('no_matching_signature');
  }

  /** A hash of the signed timestamp and body. */
  deliveryId(request: WebhookRequest): string | undefined {
    const timestamp = readHeader(request.headers, TIMESTAMP);
    return timestamp === undefined ? undefined : signedContentId([timestamp, request.rawBody]);
  }

  /** Signs with `input.privateKey`, a test P-256 key whose public key the provider is configured with. */
  sign(input: SignInput): Record<string, string> {
    if (input.privateKey === undefined) {
      throw new TypeError("SendGrid signs with an ECDSA P-256 private key: pass your test key pair's private key as `privateKey`.");
    }
    const timestamp = this.window.signing(input.timestamp, 'unix');
    const signature = signMessage('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(input.body)]), input.privateKey);
    return { [SIGNATURE]: signature.toString('base64'), [TIMESTAMP]: timestamp };
  }

  /** Rejects, at startup, a key that is not a P-256 public key in base64 DER or PEM. */
  checkSecret(secret: string): string | undefined {
    return spkiPublicKey(secret, 'prime256v1')
      ? undefined
      : 'the Event Webhook verification key: an ECDSA P-256 public key in base64 DER (as SendGrid shows it) or PEM';
  }
}
