import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Sentry integration platform: `Sentry-Hook-Signature` is the hex HMAC-SHA256
 * of the raw body, keyed with the integration's Client Secret (Settings →
 * Developer Settings → your integration).
 *
 * Sentry also sends `Sentry-Hook-Timestamp`, but the signature does not cover
 * it, so it is not read: a replayed request could carry any time. Use replay
 * protection instead of a tolerance window.
 *
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/#verifying-the-signature
 */
export const SENTRY_SCHEME = {
  header: 'sentry-hook-signature',
  algorithm: 'sha256',
  encoding: 'hex',
} as const satisfies HmacSchemeOptions;
