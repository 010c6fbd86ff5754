import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import { jsonString, signedContentId } from '../utils/delivery-id.js';
import { readHeader } from '../utils/headers.js';
import type {
  VerificationResult,
  VerifierOptions,
  WebhookChallenge,
  WebhookHandshakeReply,
  WebhookRequest,
  WebhookVerifier,
} from './webhook-verifier.interface.js';

/** A path into a JSON body, e.g. `['event', 'id']`. */
export type JsonPath = readonly string[];

/**
 * Where a scheme's delivery id is: a header, or a string in the JSON body.
 * A JSON id is read only from a body that verified.
 */
export type DeliveryIdSource = { readonly header: string } | { readonly json: JsonPath };

/**
 * Where a scheme's event type is: a header, a string in the JSON body, or
 * both, joined with `.` (`issues` and `opened` give `issues.opened`; a body
 * part that is absent is left out, while without the header there is no type).
 */
export interface EventTypeSource {
  /** The header, or several names of it, of which the first present is read. */
  readonly header?: string | readonly string[];
  readonly json?: JsonPath;
}

/** What a description may say about the request beyond its signature. */
export interface SchemeMetadata {
  /**
   * The sender's id of a delivery, which its retries keep, for replay
   * protection. Without it, an HMAC scheme uses its signed id header, or a
   * hash of exactly what the signature covers.
   */
  readonly deliveryId?: DeliveryIdSource;
  /** The event type, for handlers that route on it (`eventType()`). */
  readonly eventType?: EventTypeSource;
  /**
   * How long replay protection remembers a delivery by default: the
   * sender's retry window, with its source beside the value. See
   * `WebhookVerifier.replayRetentionSeconds`. @default 3 days
   */
  readonly replayRetentionSeconds?: number;
  /**
   * The sender's signed handshake, answered once the request verified and
   * never passed to the handler, e.g. `slackUrlVerification`.
   */
  readonly handshake?: (request: WebhookRequest, secrets: readonly string[]) => WebhookHandshakeReply | undefined;
  /**
   * The sender's unsigned GET challenge, checked and answered before any
   * body is read, e.g. `dropboxChallenge`: see `WebhookVerifier.challenge`.
   */
  readonly challenge?: (request: WebhookChallenge, secrets: readonly string[], options: VerifierOptions) => WebhookHandshakeReply | false | undefined;
}

/**
 * The handshake, challenge and retention of a description, as the verifier
 * members of that name; absent when the description has none, so that the
 * guard never looks for a challenge on a scheme without one. A handshake
 * that answers with a secret gets only the one `verifier` accepts the request with.
 */
export function describedHandshakes(
  scheme: SchemeMetadata,
  options: VerifierOptions,
  verifier: { verify(request: WebhookRequest, secrets: readonly string[]): VerificationResult },
): Pick<WebhookVerifier, 'handshake' | 'challenge' | 'replayRetentionSeconds' | 'unsignedEventTypeHeaders'> {
  const { handshake, challenge, replayRetentionSeconds, eventType } = scheme;
  const eventTypeHeaders = [eventType?.header ?? []].flat();
  return {
    ...(eventTypeHeaders.length > 0 && { unsignedEventTypeHeaders: eventTypeHeaders }),
    ...(replayRetentionSeconds !== undefined && { replayRetentionSeconds }),
    ...(handshake && {
      handshake: (request: WebhookRequest, secrets: readonly string[]) => {
        const reply = handshake(request, secrets);
        // Stryker disable next-line ConditionalExpression: one secret is the one that verified; finding it again only costs a verify.
        if (!reply || secrets.length < 2) return reply;
        // Answered with the secret that verified the request: while rotating, the first listed would give a holder
        // of another its HMAC of text of its choosing (Zoom's encryptedToken).
        return handshake(request, secrets.filter((secret) => verifier.verify(request, [secret]).verified).slice(0, 1));
      },
    }),
    ...(challenge && { challenge: (request: WebhookChallenge, secrets: readonly string[]) => challenge(request, secrets, options) }),
  };
}

/** The delivery id a description names, or `undefined` when the request has none there. */
export function describedDeliveryId(source: DeliveryIdSource, request: WebhookRequest): string | undefined {
  if ('header' in source) return readHeader(request.headers, source.header);
  const id = jsonString(request.rawBody, source.json);
  return id === undefined ? undefined : `event:${id}`;
}

/** The event type a description names: the parts found, joined with `.`; `undefined` when none is, or its header is absent. */
export function describedEventType(source: EventTypeSource | undefined, request: WebhookRequest): string | undefined {
  if (!source) return undefined;
  // Stryker disable next-line ArrayDeclaration: `["Stryker was here"]` names a header that cannot be sent (a space), so it is never present.
  const header = [source.header ?? []].flat().reduce<string | undefined>((found, name) => found ?? readHeader(request.headers, name), undefined);
  // Unsigned, a header must not be able to write a whole `issues.opened`: one with a dot names no type.
  if (header?.includes('.')) return undefined;
  // Nor may its absence let the body's part (a sender-chosen `action`) name the type alone.
  if (source.header !== undefined && header === undefined) return undefined;
  const parts = [header, source.json === undefined ? undefined : jsonString(request.rawBody, source.json)].filter((part) => part !== undefined);
  return parts.length === 0 ? undefined : parts.join('.');
}

/** A delivery id for a request whose sender names none: a hash of the body. */
export function bodyDeliveryId(request: WebhookRequest): string {
  return signedContentId([request.rawBody]);
}

/**
 * Checks `deliveryId` and `eventType` at startup. `signedIdHeader` is the
 * header a delivery id may be read from (an HMAC scheme's signed id header);
 * `undefined` allows any header.
 */
export function checkMetadata(scheme: SchemeMetadata, name: string, signedIdHeader: string | null | undefined): void {
  const problem = (expected: string) => WebhookSecurityConfigurationError.invalidScheme(name, expected);
  const { deliveryId, eventType } = scheme;
  if (deliveryId !== undefined) {
    if (typeof deliveryId === 'object' && deliveryId !== null && 'json' in deliveryId) {
      if (!isJsonPath(deliveryId.json)) throw problem("deliveryId.json as a non-empty list of keys, e.g. ['event', 'id']");
    } else if (typeof deliveryId?.header !== 'string' || deliveryId.header === '') {
      throw problem("deliveryId as { header: '...' } or { json: ['...'] }");
    } else if (signedIdHeader !== undefined && deliveryId.header.toLowerCase() !== signedIdHeader?.toLowerCase()) {
      throw problem(
        'deliveryId.header to be the id header the signature covers (`id.header`), or deliveryId.json: an unsigned id can be changed by anyone replaying a request',
      );
    }
  }
  if (eventType !== undefined) {
    const header = eventType?.header;
    const json = eventType?.json;
    if ((header === undefined && json === undefined) || (header !== undefined && !isJsonPath([header].flat())) || (json !== undefined && !isJsonPath(json))) {
      throw problem("eventType as { header: '...' }, { json: ['...'] } or both");
    }
  }
}

/** A non-empty list of non-empty strings. */
function isJsonPath(path: unknown): boolean {
  return Array.isArray(path) && path.length > 0 && path.every((key) => typeof key === 'string' && key !== '');
}
