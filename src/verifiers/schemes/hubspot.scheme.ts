import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * HubSpot (signature v3): `X-HubSpot-Signature-v3` is base64(HMAC-SHA256(app
 * client secret, method + URI + raw body + timestamp)), with no separators;
 * the timestamp is `X-HubSpot-Request-Timestamp`, Unix milliseconds, and
 * HubSpot asks to reject requests older than 5 minutes.
 *
 * The URI is the full URL HubSpot called, query string included, with the
 * escapes `%3A : %2F / %3F ? %40 @ %21 ! %24 $ %27 ' %28 ( %29 ) %2A * %2C , %3B ;`
 * decoded, as HubSpot's docs list them, except `%2F`, `%3F` and `%3B` in the path:
 * decoded there, they would let a signed URL reach the app under another
 * route or params (`;` ends the path for Fastify's `useSemicolonDelimiter`),
 * so a target URL with one of them in its path does not verify;
 * and as HubSpot signs such a URL as it would the one with `/`, `?` or `;` in their
 * place, its deliveries verify on that other URL: give HubSpot a target URL
 * without them. `@hubspot/api-client`'s
 * `Signature.isValid` takes the URI from its caller. Behind a proxy, set
 * `publicBaseUrl`. The older v1/v2 headers are not read.
 *
 * @see https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests#validate-the-v3-request-signature
 */
export const HUBSPOT_SCHEME = {
  header: 'x-hubspot-signature-v3',
  algorithm: 'sha256',
  encoding: 'base64',
  signedContent: '{method}{url}{body}{timestamp}',
  timestamp: { header: 'x-hubspot-request-timestamp', format: 'unix-ms' },
  urlDecode: ['%3A', '%2F', '%3F', '%40', '%21', '%24', '%27', '%28', '%29', '%2A', '%2C', '%3B'],
  // Only JSON is sent, or no body on a GET (CRM card fetches), and a GET with one is refused: the tail of the signed URL moved into the body is refused.
  body: 'json',
} as const satisfies HmacSchemeOptions;
