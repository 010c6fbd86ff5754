import type { BuiltInScheme } from '../verifiers/built-in-verifiers.js';
import type { SchemeDescription } from '../verifiers/described-verifier.js';
import type { VerificationFailureReason, VerifierOptions, WebhookVerifier } from '../verifiers/webhook-verifier.interface.js';

/** A webhook as it was received, and the secret it should verify with. */
export interface WebhookDiagnosisInput {
  /**
   * A built-in scheme, a declarative HMAC scheme, or a factory of your own
   * verifier. The factory gets the tolerance and clock of each attempt; a
   * verifier that ignores them gets every diagnosis but the timestamp one.
   * @example 'stripe'
   * @example { header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' }
   * @example (options) => new HmacSchemeVerifier({ header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex' }, options)
   */
  readonly scheme: BuiltInScheme | SchemeDescription | ((options: VerifierOptions) => WebhookVerifier);
  /** The secret the app verifies with, exactly as configured. It appears in no output. */
  readonly secret: string;
  /** The request headers, names in any case. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The exact body received. */
  readonly body: string | Buffer;
  /** The full URL the sender called, for schemes that sign it. @default '' */
  readonly url?: string;
  /** Timestamp tolerance of the app, in seconds. @default 300 */
  readonly toleranceSeconds?: number;
  /** When the request arrived, in epoch milliseconds or as a `Date`. @default now */
  readonly receivedAt?: number | Date;
}

/** What a diagnosis can point to. */
export type DiagnosisCauseCode =
  /** The signature is over the body parsed and serialised again, not over the bytes given. */
  | 'reserialized_json'
  /** The signature is over the body with a final newline added or removed. */
  | 'body_newline'
  /** The signature is over another form of the URL: scheme, port, trailing slash or query string. */
  | 'url_variant'
  /** The header writes the right HMAC in another encoding than the scheme reads. */
  | 'signature_encoding'
  /** The sender hashes with another algorithm than the declarative scheme names. */
  | 'signature_algorithm'
  /** The configured secret has whitespace around it, such as the newline of a `.env` line. */
  | 'secret_whitespace'
  /** The sender uses the secret with its `whsec_` prefix where the app drops it, or the reverse. */
  | 'secret_prefix'
  /** The sender base64-decodes the `whsec_` secret (Standard Webhooks); the scheme uses it as text. */
  | 'secret_base64_decoded'
  /** The sender uses the `whsec_` secret as text (Stripe); the scheme base64-decodes it. */
  | 'secret_used_as_text'
  /** The signed timestamp is older than the tolerance allows. */
  | 'timestamp_stale'
  /** The signed timestamp is further in the future than the tolerance allows. */
  | 'timestamp_in_future'
  /** A header the scheme needs is absent. */
  | 'missing_header'
  /** A header is present but does not parse. */
  | 'malformed_header'
  /** The signature header lists only versions the scheme does not know. */
  | 'unknown_key_version'
  /** No variant verifies: most likely another secret signed the request. */
  | 'no_variant_matched';

/** One likely cause of a rejection. It never contains a secret or a full signature. */
export interface DiagnosisCause {
  /** A stable code, for programs. */
  readonly code: DiagnosisCauseCode;
  /** What was found and how to fix it, for people. */
  readonly message: string;
}

/** The verdict on a webhook and, when rejected, its likeliest causes. */
export interface WebhookDiagnosis {
  /** True when the request verifies as given. */
  readonly verified: boolean;
  /** Why the request as given is rejected, as the guard would log it. */
  readonly reason?: VerificationFailureReason;
  /** The likeliest causes, most likely first; empty when verified. */
  readonly causes: readonly DiagnosisCause[];
}
