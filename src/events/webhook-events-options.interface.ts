/**
 * What a dispatching route answers to a verified delivery that no
 * `@OnWebhookEvent` handler takes: `'ignore'` answers 200 (and logs at
 * debug level); `404` or `422` answer that status, so the sender sees the
 * delivery as failed and, for most senders, retries it.
 */
export type UnhandledWebhookEvent = 'ignore' | 404 | 422;

/** Options of event routing, under `forRoot({ events })`. */
export interface WebhookEventsOptions {
  /**
   * The answer to a delivery no handler takes, or whose type the verifier
   * cannot read.
   * @default 'ignore'
   */
  unhandled?: UnhandledWebhookEvent;
}

/** Event routing options with defaults filled in. */
export interface ResolvedWebhookEventsOptions {
  /** The answer to a delivery no handler takes. */
  readonly unhandled: UnhandledWebhookEvent;
}
