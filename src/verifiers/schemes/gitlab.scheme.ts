import type { TokenSchemeOptions } from '../token-scheme.verifier.js';

/**
 * GitLab: `X-Gitlab-Token` carries the webhook's secret token as is; nothing
 * is signed. The token is set on the webhook's settings page. The delivery id
 * is `X-Gitlab-Event-UUID`, the event type `X-Gitlab-Event` (`Push Hook`).
 *
 * GitLab's newer signing tokens (`whsec_…`) sign each delivery by the
 * Standard Webhooks specification: for those, use the `standardwebhooks`
 * scheme instead.
 *
 * @see https://docs.gitlab.com/user/project/integrations/webhooks/#validate-payloads-by-using-a-secret-token
 */
export const GITLAB_SCHEME = {
  kind: 'token',
  header: 'x-gitlab-token',
  deliveryId: { header: 'x-gitlab-event-uuid' },
  eventType: { header: 'x-gitlab-event' },
} as const satisfies TokenSchemeOptions;
