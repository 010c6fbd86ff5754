import { createHash } from 'node:crypto';
import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import { readHeader } from '../utils/headers.js';
import { perSecretList, safeEqual } from '../utils/signature.js';
import { bodyDeliveryId, checkMetadata, describedDeliveryId, describedEventType, describedHandshakes, type SchemeMetadata } from './scheme-metadata.js';
import {
  VERIFIED,
  rejected,
  type SignInput,
  type VerificationResult,
  type VerifierOptions,
  type WebhookRequest,
  type WebhookVerifier,
} from './webhook-verifier.interface.js';

/**
 * A sender that proves itself with a shared secret sent as is, not with a
 * signature: nothing binds the body, so the secret only shows who sent the
 * request, and only over TLS.
 *
 * - `'token'`: the whole value of `header` is the secret (GitLab's `X-Gitlab-Token`).
 * - `'basic'`: HTTP Basic credentials in `Authorization`; the secret is
 *   configured as `user:password`.
 */
export interface TokenSchemeOptions extends SchemeMetadata {
  /** How the secret is sent. */
  readonly kind: 'token' | 'basic';
  /** Header that carries the token, or the Basic credentials. @default 'authorization' for `'basic'` */
  readonly header?: string;
}

const BASIC = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/** SHA-256 of a credential: equal-length values to compare in constant time, whatever the lengths sent. */
const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();
const secretDigests = perSecretList(digest);

/**
 * Verifies a {@link TokenSchemeOptions} scheme: the header's value (or the
 * decoded Basic credentials) against each secret, in constant time. Both
 * sides are hashed first, so the comparison takes as long whatever the length
 * of what was sent.
 */
export class TokenVerifier implements WebhookVerifier {
  readonly signsUrl = false;
  private readonly header: string;
  declare readonly handshake?: WebhookVerifier['handshake'];
  declare readonly challenge?: WebhookVerifier['challenge'];
  declare readonly replayRetentionSeconds?: number;
  declare readonly unsignedEventTypeHeaders?: readonly string[];

  constructor(
    private readonly scheme: TokenSchemeOptions,
    options: VerifierOptions = {},
  ) {
    if (scheme?.kind !== 'token' && scheme?.kind !== 'basic') {
      throw WebhookSecurityConfigurationError.invalidScheme(scheme?.header, "a kind: 'token' or 'basic'");
    }
    if (scheme.header !== undefined && (typeof scheme.header !== 'string' || scheme.header.trim() === '')) {
      throw WebhookSecurityConfigurationError.invalidScheme(scheme.header, 'a header name');
    }
    if (scheme.kind === 'token' && scheme.header === undefined) {
      throw WebhookSecurityConfigurationError.invalidScheme(undefined, 'the header that carries the token');
    }
    this.header = scheme.header ?? 'authorization';
    checkMetadata(scheme, this.header, undefined);
    Object.assign(this, describedHandshakes(scheme, options, this));
  }

  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult {
    const value = readHeader(request.headers, this.header);
    if (value === undefined) return rejected('missing_header');
    const credential = this.scheme.kind === 'basic' ? BASIC.exec(value)?.[1] : value;
    if (credential === undefined) return rejected('malformed_header');
    const received = digest(this.scheme.kind === 'basic' ? Buffer.from(credential, 'base64') : credential);
    let matched = false;
    for (const expected of secretDigests(secrets)) matched = safeEqual(received, expected) || matched;
    return matched ? VERIFIED : rejected('no_matching_signature');
  }

  sign(input: SignInput): Record<string, string> {
    const value = this.scheme.kind === 'basic' ? `Basic ${Buffer.from(input.secret).toString('base64')}` : input.secret;
    return { [this.header]: value };
  }

  /** The delivery id the description names; otherwise a hash of the body, as nothing is signed. */
  deliveryId(request: WebhookRequest): string | undefined {
    return (this.scheme.deliveryId && describedDeliveryId(this.scheme.deliveryId, request)) ?? bodyDeliveryId(request);
  }

  /** The event type the description names. */
  eventType(request: WebhookRequest): string | undefined {
    return describedEventType(this.scheme.eventType, request);
  }

  /** A Basic secret is `user:password`, not both empty: `:` would let in anyone who sends `Basic Og==`. */
  checkSecret(secret: string): string | undefined {
    return this.scheme.kind === 'basic' && (!secret.includes(':') || secret === ':') ? 'the Basic credentials as user:password' : undefined;
  }
}
