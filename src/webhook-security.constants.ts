/**
 * Metadata key under which `@VerifiedWebhook(name)` stores the provider name.
 *
 * A fixed string rather than a generated key, so that every copy of the
 * package loaded in one process (an ESM and a CommonJS build, say) reads the
 * same metadata.
 */
export const WEBHOOK_PROVIDER_METADATA = 'nestjs-webhook-security:provider';

/** Injection token of the options as the user gave them. */
export const WEBHOOK_SECURITY_OPTIONS = 'nestjs-webhook-security:options';

/** Injection token of the validated options, with defaults filled in and a verifier per provider. */
export const RESOLVED_WEBHOOK_SECURITY_OPTIONS = 'nestjs-webhook-security:resolved-options';

/** Body size the guard reads itself when no body parser has captured the raw bytes: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Timestamp tolerance of schemes that sign a timestamp: 5 minutes, in both directions. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Context of every log line the library writes. */
export const LOGGER_CONTEXT = 'WebhookSecurity';

/**
 * Injection token of the secrets a test gives in place of the configured
 * ones, by provider name: `null` unless a test overrides it. Exported from
 * `nestjs-webhook-security/testing` only.
 */
export const WEBHOOK_TEST_SECRETS = 'nestjs-webhook-security:test-secrets';
