import type { KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What a verifier sees of an incoming request. */
export interface WebhookRequest {
  /** The exact bytes received, before any parsing. */
  readonly rawBody: Buffer;
  /** Request headers, names lower-cased as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /**
   * The URL the sender signed: protocol, host, path and query string, built
   * from the request or from the `publicBaseUrl` option. The guard builds it
   * on first read; if the request's `Host` is not `hostname[:port]`, that
   * read throws the guard's 400, which a verifier lets through.
   */
  readonly url: string;
  /** The HTTP method, e.g. `POST`, for schemes that sign it. @default 'POST' */
  readonly method?: string;
}

/**
 * Why a request was rejected. It goes to the warn log and to hooks, never to
 * the response, which is the same for every reason.
 */
export type VerificationFailureReason =
  | 'missing_header'
  | 'malformed_header'
  | 'no_matching_signature'
  | 'timestamp_out_of_tolerance'
  | 'unknown_key_version'
  | 'malformed_body'
  | 'untrusted_key_url'
  | 'untrusted_key'
  | 'key_unavailable'
  | 'raw_body_unavailable'
  | 'body_too_large';

/** The verdict on one request. */
export type VerificationResult = { readonly verified: true } | { readonly verified: false; readonly reason: VerificationFailureReason };

/** What a test signs to build the headers a sender would send. */
export interface SignInput {
  /** The secret, exactly as configured for the provider. */
  readonly secret: string;
  /** The exact body that will be sent. */
  readonly body: string | Buffer;
  /** The full URL the request goes to, for schemes that sign it. */
  readonly url?: string;
  /**
   * The signing time for schemes that sign one: a `Date`, Unix seconds, or
   * the header value verbatim. A number in milliseconds (`Date.now()`) throws a `TypeError`.
   */
  readonly timestamp?: Date | number | string;
  /** The HTTP method, for schemes that sign it. @default 'POST' */
  readonly method?: string;
  /** The delivery id, for schemes that sign one (Standard Webhooks). @default a random `msg_…` id */
  readonly id?: string;
  /** For schemes with two body formats (SignalWire): which one the body is. @default 'json' */
  readonly format?: 'json' | 'form';
  /**
   * For schemes that sign with a private key (Discord, SendGrid): your own
   * test key pair's private key, as PEM or a `KeyObject`. The provider is
   * then configured with its public key. No sender's key is ever needed.
   */
  readonly privateKey?: KeyObject | string;
}

/** What a verifier sees of a GET request that may be a sender's unsigned challenge. */
export interface WebhookChallenge {
  /** The query parameters as received. */
  readonly query: URLSearchParams;
  /** Request headers, names lower-cased as Node gives them. */
  readonly headers: IncomingHttpHeaders;
}

/**
 * The reply to a sender's verification handshake (a challenge it sends
 * before, or between, deliveries), sent in place of running the handler.
 */
export interface WebhookHandshakeReply {
  /** HTTP status. */
  readonly status: number;
  /** `Content-Type` of the reply. */
  readonly contentType: string;
  /** The exact body to send. */
  readonly body: string;
  /** Other headers the sender's docs require. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Checks the signature of one webhook request. Implement it for a scheme the
 * library does not ship, and pass an instance as a provider's `verifier`.
 *
 * A verifier never throws on request input: every header value, however
 * malformed, gives a {@link VerificationResult}.
 */
export interface WebhookVerifier {
  /**
   * @param request the request as received
   * @param secrets every configured secret; any one that verifies passes
   */
  verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult | Promise<VerificationResult>;

  /**
   * Whether the scheme signs the request URL (Twilio, SignalWire, a
   * declarative scheme with `{url}`):
   * - `false`: the guard never builds the URL, nor reads the Host header,
   *   and passes an empty `url`;
   * - `true` or unset: the guard builds `url` the first time the verifier
   *   reads it, and then accepts only a `Host` of the form `hostname[:port]`.
   *
   * With `true` and no `publicBaseUrl`, the module warns once at startup that
   * the URL comes from the request's Host header.
   */
  readonly signsUrl?: boolean;

  /** Builds the headers the sender would send for `input`. Used by `signWebhook` in tests. */
  sign?(input: SignInput): Record<string, string>;

  /**
   * Checks one configured secret at startup, for schemes whose secrets have a
   * format. Returns what the secret should be (never quoting it), or
   * `undefined` when it is usable. A secret that fails it stops the app.
   */
  checkSecret?(secret: string): string | undefined;

  /**
   * The id of a delivery, for replay protection: the sender's own delivery or
   * event id where it has one, otherwise something that identifies the signed
   * request, such as a hash of what the signature covers. Called only after
   * `verify` accepted the request, so it may read the body. Required for a
   * provider with `replay` on; `undefined` lets the request through unchecked,
   * with a warning.
   */
  deliveryId?(request: WebhookRequest): string | undefined;

  /**
   * The reply to a verification handshake, for a request that `verify`
   * accepted, or `undefined` for an ordinary delivery. A handshake never
   * reaches the handler and never counts as a delivery for replay.
   */
  handshake?(request: WebhookRequest, secrets: readonly string[]): WebhookHandshakeReply | undefined;

  /**
   * The reply to a challenge the sender does not sign, sent as a GET before
   * deliveries start (Meta's subscription check, X's CRC, Dropbox's and
   * Okta's verification); `false` when it is one but fails its check (401);
   * `undefined` when the request is no challenge, which then gets 401 as an
   * unsigned request. Called for GET requests only, before any body is read.
   */
  challenge?(request: WebhookChallenge, secrets: readonly string[]): WebhookHandshakeReply | false | undefined;

  /**
   * Set by schemes whose signature does not cover the whole body (Mailgun,
   * Adyen's payment notifications): the reason replay protection is needed.
   * A provider of such a scheme without `replay` fails at startup, as each
   * signature must be usable once.
   */
  readonly requiresReplay?: string;

  /**
   * The type of the event delivered (`invoice.paid`, `issues.opened`), as
   * the sender names it, for handlers that route on it; `undefined` when the
   * request names none. Called only after `verify` accepted the request, so
   * it may read the body. Some senders name the type in a header that the
   * signature does not cover (GitHub, Shopify); the scheme's JSDoc says so.
   */
  eventType?(request: WebhookRequest): string | undefined;

  /**
   * The headers `eventType` reads that the signature does not cover
   * (GitHub's `X-GitHub-Event`; Shopify's `X-Shopify-Topic` and
   * `Shopify-Topic`), in lower case. With replay protection on, a signed body
   * is tied to the values of these headers its first claim came with, and
   * refused under others; routing by them without replay protection warns at
   * startup, as a captured signed body could be re-sent under another event
   * type.
   */
  readonly unsignedEventTypeHeaders?: readonly string[];

  /**
   * How long the sender may deliver the same event again, in seconds: its
   * documented retry window. Replay protection remembers a delivery id this
   * long unless `replay.ttlSeconds` says otherwise, and never less than twice
   * the timestamp tolerance. Unset: 3 days.
   */
  readonly replayRetentionSeconds?: number;
}

/** Options every built-in verifier accepts. */
export interface VerifierOptions {
  /**
   * The verify token of senders that check an endpoint with one before
   * deliveries start (Meta's subscription check), compared in constant time.
   */
  readonly verifyToken?: string;
  /**
   * For schemes that fetch the sender's public keys (PayPal, Plaid): extra
   * origins to fetch them from, such as `'http://127.0.0.1:4010'` for a local
   * key server in tests. The vendor's own hosts are always allowed; nothing
   * else is, so leave this unset in production.
   */
  readonly keyOrigins?: readonly string[];
  /**
   * For schemes that fetch a certificate (PayPal): the certificate
   * authorities, as PEM, that it must chain to, in place of the root
   * certificates bundled with Node (`tls.rootCertificates`), such as a test
   * authority of your own. Leave it unset in production.
   */
  readonly certificateAuthorities?: readonly string[];
  /** Largest accepted distance between a signed timestamp and now, in seconds, both directions. @default 300 */
  readonly toleranceSeconds?: number;
  /** The clock, in epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
}

/** The verdict on a request that verified; shared, as it carries nothing else. */
export const VERIFIED: VerificationResult = Object.freeze({ verified: true });

/** A rejection with its reason. */
export function rejected(reason: VerificationFailureReason): VerificationResult {
  return { verified: false, reason };
}
