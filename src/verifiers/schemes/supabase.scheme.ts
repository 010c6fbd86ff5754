import type { HmacSchemeOptions } from '../hmac-scheme.verifier.js';
import { STANDARD_WEBHOOKS_V1_SCHEME } from './standard-webhooks.scheme.js';

/**
 * Supabase Auth hooks (HTTP hooks): Standard Webhooks (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature: v1,<base64>`), with the secret
 * written `v1,whsec_<base64>` in the dashboard (Authentication > Hooks):
 * configure it as shown (or without its `v1,`, as Supabase's own example
 * strips it); the key is the base64 after `whsec_`. A secret in neither form
 * stops the app at startup.
 *
 * @see https://supabase.com/docs/guides/auth/auth-hooks?queryGroups=language&language=http
 */
export const SUPABASE_SCHEME = {
  ...STANDARD_WEBHOOKS_V1_SCHEME,
  secretPrefix: ['v1,whsec_', 'whsec_'],
  secretEncoding: 'base64',
} as const satisfies HmacSchemeOptions;
