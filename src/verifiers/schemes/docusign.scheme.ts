import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * DocuSign Connect (HMAC): `X-DocuSign-Signature-1`, `-2`, … one header per
 * active Connect key, each base64(HMAC-SHA256(key, raw body)); any one may
 * match. DocuSign allows up to 100 keys; the first 10 headers are read, so
 * keep at most 10 keys active. No timestamp. The keys are under Connect >
 * Connect Keys in eSignature Admin. The event type is the body's `event`
 * (`envelope-completed`).
 *
 * @see https://developers.docusign.com/platform/webhooks/connect/validate/
 */
export const DOCUSIGN_SCHEME = {
  header: [
    'x-docusign-signature-1',
    'x-docusign-signature-2',
    'x-docusign-signature-3',
    'x-docusign-signature-4',
    'x-docusign-signature-5',
    'x-docusign-signature-6',
    'x-docusign-signature-7',
    'x-docusign-signature-8',
    'x-docusign-signature-9',
    'x-docusign-signature-10',
  ],
  algorithm: 'sha256',
  encoding: 'base64',
  eventType: { json: ['event'] },
} as const satisfies HmacSchemeOptions;
