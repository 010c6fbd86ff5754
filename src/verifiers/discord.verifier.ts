import { sign as signMessage, verify as verifySignature } from 'node:crypto';
import { jsonValue } from '../utils/delivery-id.js';
import { readHeader } from '../utils/headers.js';
import { ed25519PublicKey, strictHex } from '../utils/public-key.js';
import { decodeSignature, perSecretList } from '../utils/signature.js';
import { TimestampWindow } from '../utils/timestamp.js';
import {
  VERIFIED,
  rejected,
  type SignInput,
  type VerificationResult,
  type VerifierOptions,
  type WebhookHandshakeReply,
  type WebhookRequest,
  type WebhookVerifier,
} from './webhook-verifier.interface.js';

const SIGNATURE = 'x-signature-ed25519';
const TIMESTAMP = 'x-signature-timestamp';
const ED25519_SIGNATURE_BYTES = 64;
const PING = 1;
const PONG: WebhookHandshakeReply = Object.freeze({ status: 200, contentType: 'application/json', body: '{"type":1}' });

/** The configured public keys, decoded once per list of secrets. */
const publicKeys = perSecretList((secret: string) => ed25519PublicKey(strictHex(secret)));

/**
 * Discord interactions: `X-Signature-Ed25519` is the hex Ed25519 signature
 * of `${X-Signature-Timestamp}${raw body}`, checked with the application's
 * public key (hex, from the Developer Portal's General Information page).
 *
 * - The secret to configure is that public key: nothing secret is needed.
 * - A `PING` (type 1), which Discord sends when the endpoint URL is saved
 *   and from time to time after, is answered `{"type":1}` once verified; the
 *   handler never sees it.
 * - The timestamp (Unix seconds) is signed; it must lie within the
 *   tolerance, 5 minutes by default, either way.
 *
 * @see https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers
 */
export class DiscordVerifier implements WebhookVerifier {
  readonly signsUrl = false;
  private readonly window: TimestampWindow;

  constructor(options: VerifierOptions = {}) {
    this.window = new TimestampWindow(options);
  }

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    const header = readHeader(request.headers, SIGNATURE);
    const timestamp = readHeader(request.headers, TIMESTAMP);
    if (header === undefined || timestamp === undefined) return rejected('missing_header');
    const problem = this.window.check(timestamp, 'unix');
    if (problem) return rejected(problem);
    const signature = decodeSignature(header.trim(), 'hex', ED25519_SIGNATURE_BYTES);
    if (!signature) return rejected('malformed_header');

    const message = Buffer.concat([Buffer.from(timestamp), request.rawBody]);
    for (const key of publicKeys(secrets)) {
      if (key && verifySignature(null, message, key, signature)) return VERIFIED;
    }
    return rejected('no_matching_signature');
  }

  /** Answers a verified `PING` with a `PONG`. */
  handshake(request: WebhookRequest): WebhookHandshakeReply | undefined {
    return jsonValue(request.rawBody, ['type']) === PING ? PONG : undefined;
  }

  /** The interaction's `id` from the verified body; Discord does not resend interactions. */
  deliveryId(request: WebhookRequest): string | undefined {
    const id = jsonValue(request.rawBody, ['id']);
    return typeof id === 'string' && id !== '' ? `interaction:${id}` : undefined;
  }

  /** Signs with `input.privateKey`, a test Ed25519 key whose public key the provider is configured with. */
  sign(input: SignInput): Record<string, string> {
    if (input.privateKey === undefined) {
      throw new TypeError("Discord signs with an Ed25519 private key: pass your test key pair's private key as `privateKey`.");
    }
    const timestamp = this.window.signing(input.timestamp, 'unix');
    const signature = signMessage(null, Buffer.concat([Buffer.from(timestamp), Buffer.from(input.body)]), input.privateKey);
    return { [SIGNATURE]: signature.toString('hex'), [TIMESTAMP]: timestamp };
  }

  /** Rejects, at startup, a key that is not 64 hex characters of an Ed25519 public key. */
  checkSecret(secret: string): string | undefined {
    return ed25519PublicKey(strictHex(secret)) ? undefined : "the application's Ed25519 public key: 64 hex characters, from the Developer Portal";
  }
}
