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
 * The event type is `Sentry-Hook-Resource` and the body's `action`, joined
 * with `.` (`issue.created`); the header is not signed. `Request-ID` is not
 * signed either, so replay protection keys on the signed body.
 *
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/#verifying-the-signature
 */
export const SENTRY_SCHEME = {
  header: 'sentry-hook-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  eventType: { header: 'sentry-hook-resource', json: ['action'] },
} as const satisfies HmacSchemeOptions;
