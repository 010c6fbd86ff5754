import type { HmacSchemeOptions } from '../../src/verifiers/hmac-scheme.verifier.js';

/**
 * The Standard Webhooks scheme described declaratively. A declarative scheme
 * uses its secret as text, so this is a sender's scheme checked with a
 * `whsec_` secret that was never base64-decoded: the classic confusion.
 */
export const STANDARD_WEBHOOKS_WITH_TEXT_SECRET = {
  header: 'webhook-signature',
  algorithm: 'sha256',
  encoding: 'base64',
  prefix: 'v1,',
  separator: ' ',
  signedContent: '{id}.{timestamp}.{body}',
  timestamp: { header: 'webhook-timestamp', format: 'unix' },
  id: { header: 'webhook-id' },
} as const satisfies HmacSchemeOptions;
