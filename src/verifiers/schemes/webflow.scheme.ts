import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Webflow: `x-webflow-signature` is the hex HMAC-SHA256 of
 * `{x-webflow-timestamp}:{raw body}`, the timestamp in Unix milliseconds.
 * Webhooks created by an OAuth app are keyed with its Client Secret; those
 * created in the site dashboard with the secret shown there. Webflow rejects
 * requests older than 5 minutes, the default window.
 *
 * The event type is the body's `triggerType` (`form_submission`). The
 * payload has no delivery id, so replay protection keys on the signed
 * content.
 *
 * @see https://developers.webflow.com/data/docs/working-with-webhooks#validating-request-signatures
 */
export const WEBFLOW_SCHEME = {
  header: 'x-webflow-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  signedContent: '{timestamp}:{body}',
  timestamp: { header: 'x-webflow-timestamp', format: 'unix-ms' },
  eventType: { json: ['triggerType'] },
} as const satisfies HmacSchemeOptions;
