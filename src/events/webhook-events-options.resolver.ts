import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import type { ResolvedWebhookEventsOptions, WebhookEventsOptions } from './webhook-events-options.interface.js';

const UNHANDLED = ['ignore', 404, 422] as const;

/** Validates `forRoot({ events })` and fills in defaults. Throws at startup on a mistake. */
export function resolveEventsOptions(options: WebhookEventsOptions | undefined): ResolvedWebhookEventsOptions {
  const unhandled = options?.unhandled ?? 'ignore';
  if (!UNHANDLED.includes(unhandled)) {
    throw WebhookSecurityConfigurationError.invalidOption('*', 'events.unhandled', "'ignore', 404 or 422");
  }
  return { unhandled };
}
