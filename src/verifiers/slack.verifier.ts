import { jsonString } from '../utils/delivery-id.js';
import { slackUrlVerification } from './handshakes.js';
import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import type { VerifierOptions, WebhookHandshakeReply, WebhookRequest } from './webhook-verifier.interface.js';

/**
 * Slack: `X-Slack-Signature` is `v0=` + lowercase hex(HMAC-SHA256(signing secret,
 * `v0:${X-Slack-Request-Timestamp}:${raw body}`)), the timestamp in Unix seconds.
 *
 * Slack's docs reject requests older than 5 minutes; requests more than
 * 5 minutes in the future are rejected too.
 *
 * The Events API's `url_verification`, signed like any request, is answered
 * with its challenge once verified.
 *
 * @see https://api.slack.com/authentication/verifying-requests-from-slack
 */
export class SlackVerifier extends HmacSchemeVerifier {
  /**
   * Slack retries an event 3 times: nearly at once, after 1 minute, after 5 minutes
   * (https://api.slack.com/apis/events-api#retries). 10 minutes covers that and is twice the 5-minute tolerance.
   */
  readonly replayRetentionSeconds = 10 * 60;
  constructor(options?: VerifierOptions) {
    super(
      {
        header: 'x-slack-signature',
        algorithm: 'sha256',
        encoding: 'hex',
        prefix: 'v0=',
        signedContent: 'v0:{timestamp}:{body}',
        timestamp: { header: 'x-slack-request-timestamp', format: 'unix' },
      },
      options,
    );
  }

  /**
   * The Events API's `event_id` from the verified body, which Slack's retries
   * (sent with `X-Slack-Retry-Num`, re-signed) keep; for slash commands and
   * interactivity, which carry none, the signed timestamp and body.
   */
  override deliveryId(request: WebhookRequest): string | undefined {
    const id = jsonString(request.rawBody, ['event_id']);
    return id === undefined ? super.deliveryId(request) : `event:${id}`;
  }

  /** Answers a verified `url_verification` with its challenge. */
  handshake(request: WebhookRequest): WebhookHandshakeReply | undefined {
    return slackUrlVerification(request);
  }
}
