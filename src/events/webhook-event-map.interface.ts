import type { IncomingHttpHeaders } from 'node:http';

/**
 * The event payloads of each provider, by provider name and then by event
 * type. Empty until you extend it by declaration merging; a provider that is
 * not listed has `string` event types and `any` payloads. The types are
 * only types: nothing here checks a payload at run time.
 *
 * @example
 * ```ts
 * import type Stripe from 'stripe';
 * declare module 'nestjs-webhook-security' {
 *   interface WebhookEventMap { stripe: EventsByType<Stripe.Event> }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- users fill it in by declaration merging
export interface WebhookEventMap {}

/**
 * The payloads of `provider` by event type: its entry in {@link WebhookEventMap},
 * or any type to `any`, so that handlers of a provider not in the map may
 * type their parameter as they like.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a provider not in the map has untyped payloads, by design
type EventsOf<P extends string> = P extends keyof WebhookEventMap ? WebhookEventMap[P] : Record<string, any>;

/** The event types of `provider`: the keys of its {@link WebhookEventMap} entry, or `string`. */
export type WebhookEventType<P extends string> = keyof EventsOf<P> & string;

/** The payload of event type `T` (or of any of a union of types) of `provider`; by default, of any of its types. */
export type WebhookEventPayload<P extends string, T extends string = WebhookEventType<P>> = T extends keyof EventsOf<P> ? EventsOf<P>[T] : never;

/** What `@OnWebhookEvent` takes: one event type, several, or `'*'` for every type. */
export type WebhookEventSelector<P extends string> = WebhookEventType<P> | readonly WebhookEventType<P>[] | '*';

/** The event types a {@link WebhookEventSelector} matches. */
export type SelectedEventType<P extends string, S> = S extends '*' ? WebhookEventType<P> : S extends readonly (infer T extends string)[] ? T : S & string;

/** The second argument of an `@OnWebhookEvent` handler. */
export interface WebhookEventContext<P extends string = string, T extends string = WebhookEventType<P>> {
  /** The provider's name in `forRoot({ providers })`. */
  readonly provider: P;
  /** The event type, as the provider's verifier read it from the verified request. */
  readonly eventType: T;
  /** The delivery id the verifier gives (the one replay protection keys on), if any. */
  readonly deliveryId: string | undefined;
  /** The request headers as received. Only those the provider's scheme signs are verified. */
  readonly headers: IncomingHttpHeaders;
}

/**
 * What `@WebhookEvent()` gives a route handler: the verified body, parsed,
 * with its event type and context. A union over the event types, so that
 * comparing `eventType` narrows `event`. `eventType` is `undefined` when the
 * request names no type (Slack's `url_verification`, say).
 */
export type VerifiedWebhookEvent<P extends string = string, T extends string = WebhookEventType<P>> =
  | (T extends string ? WebhookEventContext<P, T> & { readonly event: WebhookEventPayload<P, T> } : never)
  | (Omit<WebhookEventContext<P>, 'eventType'> & { readonly eventType: undefined; readonly event: unknown });

/**
 * A {@link WebhookEventMap} entry from a union of events that carry their
 * type in a `type` field, as Stripe's and Standard Webhooks senders' do.
 * @example stripe: EventsByType<Stripe.Event>
 */
export type EventsByType<U extends { readonly type: string }> = { [E in U as E['type']]: E };

/**
 * A {@link WebhookEventMap} entry from a map of GitHub event names to
 * payloads (`WebhookEventMap` of `@octokit/webhooks-types`). A payload with
 * an `action` is typed `<event>.<action>` (`issues.opened`), one without by
 * its name alone (`push`), as the GitHub verifier names them.
 * @example github: GitHubEvents<import('@octokit/webhooks-types').WebhookEventMap>
 */
export type GitHubEvents<M> = {
  [E in GitHubEventEntry<M> as E[0]]: E[1];
};

/** `[type, payload]` for every payload of every event of `M`. */
type GitHubEventEntry<M> = {
  [K in keyof M & string]: M[K] extends infer E ? (E extends { readonly action: infer A extends string } ? [`${K}.${A}`, E] : [K, E]) : never;
}[keyof M & string];

/**
 * The body of a Slack Events API request: one event in its envelope.
 * @see https://api.slack.com/apis/events-api#callback-field
 */
export interface SlackEventEnvelope<E> {
  /** Always `event_callback` for an event. */
  readonly type: 'event_callback';
  /** The deprecated verification token; the signature is what proves the sender. */
  readonly token: string;
  /** The workspace the event happened in. */
  readonly team_id: string;
  /** The Enterprise Grid organisation, if any. */
  readonly enterprise_id?: string;
  /** The app the event is for. */
  readonly api_app_id: string;
  /** The event itself. */
  readonly event: E;
  /** The event's id, the same in Slack's retries. */
  readonly event_id: string;
  /** When the event was dispatched, in Unix seconds. */
  readonly event_time: number;
  /** An opaque identifier of the event's context. */
  readonly event_context?: string;
  /** Whether the event happened in a channel shared with another organisation. */
  readonly is_ext_shared_channel?: boolean;
  /** An installation that can see the event. */
  readonly authorizations?: readonly {
    readonly enterprise_id: string | null;
    readonly team_id: string | null;
    readonly user_id: string;
    readonly is_bot: boolean;
    readonly is_enterprise_install?: boolean;
  }[];
}

/**
 * A {@link WebhookEventMap} entry from a union of Slack events (`SlackEvent`
 * of `@slack/types`): typed by the inner `event.type`, each payload the
 * whole envelope Slack sends.
 * @example slack: SlackEvents<import('@slack/types').SlackEvent>
 */
export type SlackEvents<U extends { readonly type: string }> = { [E in U as E['type']]: SlackEventEnvelope<E> };
