// The declaration merge a user writes, one line per provider: Stripe, GitHub
// and Slack from their vendors' type packages, and one hand-written map.
import type { WebhookEventMap as GitHubEventMap } from '@octokit/webhooks-types';
import type { SlackEvent } from '@slack/types';
import type Stripe from 'stripe';
import type { EventsByType, GitHubEvents, SlackEvents } from 'nestjs-webhook-security';

declare module 'nestjs-webhook-security' {
  interface WebhookEventMap {
    stripe: EventsByType<Stripe.Event>;
    stripeConnect: EventsByType<Stripe.Event>;
    github: GitHubEvents<GitHubEventMap>;
    slack: SlackEvents<SlackEvent>;
    acme: { 'user.created': { type: 'user.created'; data: { id: string } }; 'user.deleted': { type: 'user.deleted'; data: { id: string; reason: string } } };
  }
}
