import { createSecretKey, randomUUID, verify as verifySignature, type KeyObject } from 'node:crypto';
import { jsonString } from '../utils/delivery-id.js';
import { ed25519PublicKey } from '../utils/public-key.js';
import { readHeader, splitList } from '../utils/headers.js';
import { DIGEST_BYTES, anyMatch, decodeSignature, decodeSignatureInto, encodeSignature, hmac, perSecretList, signatureSlots } from '../utils/signature.js';
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

const SECRET_PREFIX = 'whsec_';
const PUBLIC_KEY_PREFIX = 'whpk_';
const BASE64 = /^[A-Za-z0-9+/]+$/;
const ED25519_SIGNATURE_BYTES = 64;

/** The header names of each set, built once. */
const HEADERS = {
  webhook: { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' },
  svix: { id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' },
} as const;

/** A configured secret, decoded: an HMAC key (`whsec_`) or an Ed25519 public key (`whpk_`). */
type VerificationKey = { readonly version: 'v1' | 'v1a'; readonly key: KeyObject };

/**
 * Most Ed25519 verifications (`v1a` signatures of the header times `whpk_`
 * keys configured) one request may cause; each costs about as much as an
 * HMAC over a few KiB. The pairs are tried in order, signatures first, and
 * a request whose valid pair lies past the bound is rejected. Senders list
 * one signature per active key, and a rotation holds two.
 */
export const MAX_ED25519_VERIFICATIONS = 4;

/** The configured secrets, decoded once per list of secrets. */
const verificationKeys = perSecretList(parseKey);

/**
 * Standard Webhooks, the scheme of Svix and of every sender that follows the
 * specification:
 *
 * - `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`,
 *   a space-separated list of `<version>,<base64>` entries. Svix sends the
 *   same under `svix-id`, `svix-timestamp` and `svix-signature`.
 * - The signed content is `${id}.${timestamp}.${raw body}`.
 * - `v1` is HMAC-SHA256 with the base64-decoded secret, `whsec_<base64>`;
 *   the base64 may be unpadded, as the `standardwebhooks` and `svix` SDKs
 *   read it. `v1a` is an Ed25519 signature, checked with a public key given
 *   as `whpk_<base64 of the 32-byte key>`, at most
 *   {@link MAX_ED25519_VERIFICATIONS} verifications per request. Secrets of
 *   both kinds may be configured together; entries of other versions are ignored.
 * - The prefix is required. The SDKs also read a bare base64 secret, but a
 *   public key configured without its `whpk_` would then be an HMAC secret
 *   that anyone who knows the public key can sign `v1` with; a bare key
 *   fails at startup, and from a secret function it verifies nothing.
 * - The timestamp must lie within `toleranceSeconds` (5 minutes by default) of now, either way.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export class StandardWebhooksVerifier implements WebhookVerifier {
  /**
   * The Standard Webhooks spec leaves the retry schedule to each sender: the 3-day default.
   */
  readonly replayRetentionSeconds = 3 * 24 * 60 * 60;
  readonly signsUrl = false;
  /** Prefix of the header names `sign` writes. Verification reads either set. */
  protected readonly headerPrefix: 'webhook' | 'svix' = 'webhook';
  private readonly window: TimestampWindow;
  /** Where each request's `v1` signatures are decoded: {@link signatureSlots}. */
  private readonly slots = signatureSlots(DIGEST_BYTES.sha256);

  constructor(options: VerifierOptions = {}) {
    this.window = new TimestampWindow(options);
  }

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    const names = readHeader(request.headers, HEADERS.webhook.signature) === undefined ? HEADERS.svix : HEADERS.webhook;
    const id = readHeader(request.headers, names.id);
    const timestamp = readHeader(request.headers, names.timestamp);
    const header = readHeader(request.headers, names.signature);
    if (id === undefined || timestamp === undefined || header === undefined) return rejected('missing_header');

    const problem = this.window.check(timestamp, 'unix');
    if (problem) return rejected(problem);

    const signatures = this.parseSignatures(header);
    if (signatures === 'unknown_key_version' || signatures === 'malformed_header') return rejected(signatures);

    // The headers go to the HMAC as one short string, the body as the bytes received.
    const content = [`${id}.${timestamp}.`, request.rawBody];
    let message: Buffer | undefined;
    let ed25519Budget = MAX_ED25519_VERIFICATIONS;
    for (const key of verificationKeys(secrets)) {
      if (key?.version === 'v1' && anyMatch(this.slots, hmac('sha256', key.key, content), signatures.v1)) return VERIFIED;
      if (key?.version !== 'v1a' || !signatures.v1a) continue;
      for (const signature of signatures.v1a) {
        if (ed25519Budget-- <= 0) break;
        message ??= Buffer.concat(content.map((part) => Buffer.from(part)));
        if (verifySignature(null, message, key.key, signature)) return VERIFIED;
      }
    }
    return rejected('no_matching_signature');
  }

  /** Signs with a `whsec_` secret (`v1`). `v1a` needs the sender's private key; sign it with `node:crypto`. */
  sign(input: SignInput): Record<string, string> {
    const key = parseKey(input.secret);
    if (key?.version !== 'v1') {
      throw new TypeError('Standard Webhooks signs with a whsec_<base64> secret; a whpk_ public key cannot sign.');
    }
    const id = input.id ?? `msg_${randomUUID()}`;
    const timestamp = this.window.signing(input.timestamp, 'unix');
    const signature = encodeSignature(hmac('sha256', key.key, [id, '.', timestamp, '.', input.body]), 'base64');
    return {
      [`${this.headerPrefix}-id`]: id,
      [`${this.headerPrefix}-timestamp`]: timestamp,
      [`${this.headerPrefix}-signature`]: `v1,${signature}`,
    };
  }

  /** The message id (`webhook-id`, or `svix-id`), which the signature covers and the sender's retries keep. */
  deliveryId(request: WebhookRequest): string | undefined {
    const prefix = readHeader(request.headers, 'webhook-signature') === undefined ? 'svix' : 'webhook';
    return readHeader(request.headers, `${prefix}-id`);
  }

  /** The event type, the verified body's `type` (`user.created`), as the specification's payloads carry it. */
  eventType(request: WebhookRequest): string | undefined {
    return jsonString(request.rawBody, ['type']);
  }

  /** Rejects, at startup, a secret that is neither `whsec_<base64>` nor `whpk_<base64 Ed25519 key>`, a bare base64 key included. */
  checkSecret(secret: string): string | undefined {
    return parseKey(secret)
      ? undefined
      : 'a Standard Webhooks key with its prefix: whsec_ followed by the base64 signing secret, or whpk_ followed by the base64 ' +
          '32-byte Ed25519 public key. A bare base64 key is refused, as a public key would be read as a signing secret: add the prefix the sender shows';
  }

  /**
   * The decodable signatures of the header: how many `v1` were decoded into
   * the slots, and the `v1a`, if any; or why there are none: no entry of a
   * known version, or none that decodes.
   */
  private parseSignatures(header: string): { readonly v1: number; readonly v1a?: Buffer[] } | 'unknown_key_version' | 'malformed_header' {
    const entries = splitList(header, ' ');
    if (!entries) return 'malformed_header';
    let v1 = 0;
    let v1a: Buffer[] | undefined;
    let known = false;
    for (const entry of entries) {
      if (entry.startsWith('v1,') || entry === 'v1') {
        known = true;
        // 'v1' alone has no signature after it, which decodes as none.
        if (decodeSignatureInto(entry, 'base64', this.slots[v1]!, 'v1,'.length)) v1++;
      } else if (entry.startsWith('v1a,') || entry === 'v1a') {
        known = true;
        const signature = decodeSignature(entry.slice('v1a,'.length), 'base64', ED25519_SIGNATURE_BYTES);
        if (signature) (v1a ??= []).push(signature);
      }
    }
    if (!known) return 'unknown_key_version';
    return v1 === 0 && !v1a ? 'malformed_header' : { v1, v1a };
  }
}

/** Decodes a configured secret, or `undefined` when it is neither kind of key. Never throws. */
function parseKey(secret: string): VerificationKey | undefined {
  if (secret.startsWith(PUBLIC_KEY_PREFIX)) {
    const key = ed25519PublicKey(decodeBase64(secret.slice(PUBLIC_KEY_PREFIX.length)));
    return key ? { version: 'v1a', key } : undefined;
  }
  if (!secret.startsWith(SECRET_PREFIX)) return undefined;
  const raw = decodeBase64(secret.slice(SECRET_PREFIX.length));
  return raw ? { version: 'v1', key: createSecretKey(raw) } : undefined;
}

/**
 * Base64, padded or not, decoded as the `standardwebhooks` and `svix` SDKs
 * decode it; `undefined` for other characters or for no bytes.
 */
function decodeBase64(value: string): Buffer | undefined {
  const unpadded = value.endsWith('==') ? value.slice(0, -2) : value.endsWith('=') ? value.slice(0, -1) : value;
  if (!BASE64.test(unpadded)) return undefined;
  const bytes = Buffer.from(unpadded, 'base64');
  return bytes.length === 0 ? undefined : bytes;
}
