import { dropboxChallenge } from '../handshakes.js';
import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';

/**
 * Dropbox: `X-Dropbox-Signature` is the hex HMAC-SHA256 of the raw body, keyed
 * with the app secret (App Console → your app → Settings). No timestamp is
 * signed. The `GET ?challenge=…` verification request is not signed and is
 * answered by the application (echo the challenge as `text/plain` with
 * `X-Content-Type-Options: nosniff`).
 *
 * A notification names only the accounts that changed: there is no event
 * type or delivery id, and replay protection keys on the signed body.
 *
 * @see https://www.dropbox.com/developers/reference/webhooks#notifications
 */
export const DROPBOX_SCHEME = {
  header: 'x-dropbox-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  challenge: dropboxChallenge,
} as const satisfies HmacSchemeOptions;
