import { OnWebhookEvent, type WebhookEventPayload } from 'nestjs-webhook-security';

export class GitHubHandlers {
  @OnWebhookEvent('github', 'issues.opened')
  opened(event: WebhookEventPayload<'github', 'issues.opened'>) {
    const action: 'opened' = event.action;
    const number: number = event.issue.number;
    return [action, number];
  }

  @OnWebhookEvent('github', 'push')
  push(event: WebhookEventPayload<'github', 'push'>) {
    const ref: string = event.ref;
    // @ts-expect-error a push has no action
    return [ref, event.action];
  }

  @OnWebhookEvent('github', ['pull_request.opened', 'pull_request.closed'])
  pullRequest(event: WebhookEventPayload<'github', 'pull_request.opened' | 'pull_request.closed'>) {
    return event.pull_request.number;
  }

  // @ts-expect-error not a GitHub action of issues
  @OnWebhookEvent('github', 'issues.openned')
  misspelt() {}

  // @ts-expect-error GitHub names an event with an action by both
  @OnWebhookEvent('github', 'issues')
  withoutAction() {}

  // @ts-expect-error the handler takes a push for an issue
  @OnWebhookEvent('github', 'issues.opened')
  otherEvent(event: WebhookEventPayload<'github', 'push'>) {
    return event;
  }
}

export class SlackHandlers {
  @OnWebhookEvent('slack', 'app_mention')
  mention(envelope: WebhookEventPayload<'slack', 'app_mention'>) {
    const text: string = envelope.event.text;
    const eventId: string = envelope.event_id;
    // @ts-expect-error a mention has no reaction
    return [text, eventId, envelope.event.reaction];
  }

  // @ts-expect-error not a Slack event type
  @OnWebhookEvent('slack', 'app_mentioned')
  misspelt() {}
}

export class AcmeHandlers {
  @OnWebhookEvent('acme', 'user.deleted')
  deleted(event: WebhookEventPayload<'acme', 'user.deleted'>) {
    return event.data.reason;
  }

  @OnWebhookEvent('acme', 'user.created')
  created(event: WebhookEventPayload<'acme', 'user.created'>) {
    // @ts-expect-error only a deletion has a reason
    return event.data.reason;
  }
}
