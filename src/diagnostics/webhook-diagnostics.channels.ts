import diagnosticsChannel from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { BUILT_IN_VERIFIERS } from '../verifiers/built-in-verifiers.js';
import { describedSchemeName } from '../verifiers/described-verifier.js';
import { HmacSchemeVerifier } from '../verifiers/hmac-scheme.verifier.js';
import type { VerificationFailureReason, WebhookVerifier } from '../verifiers/webhook-verifier.interface.js';
import type { ResolvedWebhookProvider } from '../webhook-security-options.interface.js';

/** Name of the tracing channel around each verification; its events are `tracing:<name>:start`, `:end`, `:asyncStart`, `:asyncEnd`, `:error`. */
export const VERIFY_CHANNEL = 'nestjs-webhook-security:verify';

/** Name of the channel that gets one message per replay decision. */
export const REPLAY_CHANNEL = 'nestjs-webhook-security:replay';

/** How a verification ended. */
export type WebhookVerificationOutcome =
  /** The signature matched: the request goes on to the handler. */
  | 'verified'
  /** The request was refused for a {@link VerificationFailureReason}: 401, or 413 for `body_too_large`, 500 or 415 for `raw_body_unavailable`. */
  | 'rejected'
  /** The guard could not decide: a secret lookup failed (503) or the body could not be read (400). */
  | 'error';

/**
 * The message of the `nestjs-webhook-security:verify` tracing channel. The
 * same object is published to each of its events; the fields below `route`
 * are filled in when the verification ends, so they are set at `asyncStart`,
 * `asyncEnd` and `error`, not yet at `start` and `end`.
 *
 * It never holds a secret, a signature, a delivery id or the body.
 */
export interface WebhookVerificationMessage {
  /** The provider name of the route, as in `forRoot({ providers })`. */
  readonly provider: string;
  /** The provider's scheme: a built-in name, `hmac` for a declarative scheme, `custom` for your own verifier. */
  readonly scheme: string;
  /** The HTTP method, e.g. `POST`. */
  readonly method: string;
  /**
   * The route pattern the framework matched, e.g. `/webhooks/:tenantId`;
   * without one, the path without its query string.
   */
  readonly route: string;
  /** How the verification ended. */
  outcome?: WebhookVerificationOutcome;
  /** Why the request was rejected, when `outcome` is `rejected`. */
  reason?: VerificationFailureReason;
  /** The class name of what the guard threw, when `outcome` is `error`, e.g. `ServiceUnavailableException`. */
  errorType?: string;
  /** Length of the raw body in bytes, when it was read. */
  bodyBytes?: number;
  /** Time from the start of the verification to its end, in milliseconds: body read, secret lookup and signature check. */
  durationMs?: number;
  /** Set by the tracing channel when the guard throws: the exception it answers with. */
  error?: unknown;
  /** Set by the tracing channel when the guard lets the request through: `true`. */
  result?: unknown;
}

/**
 * What the replay protection decided for a verified delivery:
 * - `claimed`: first delivery of its id; the handler runs;
 * - `duplicate`: the id was claimed before; the handler does not run;
 * - `other_event_type`: the signed body was claimed before under other values of the event type headers that its
 *   signature does not cover (GitHub's `X-GitHub-Event`); the handler does not run, even if that claim was released;
 * - `released`: the handler threw, so the claim was released for the sender's retry;
 * - `store_error`: the store failed (`operation` says in which call): 503, or the handler runs unchecked with `failOpen`;
 * - `store_timeout`: the store did not answer in time;
 * - `no_delivery_id`: the verifier found no id; the handler runs unchecked.
 */
export type WebhookReplayDecision = 'claimed' | 'duplicate' | 'other_event_type' | 'released' | 'store_error' | 'store_timeout' | 'no_delivery_id';

/** The message of the `nestjs-webhook-security:replay` channel. It never holds a delivery id or a store key. */
export interface WebhookReplayMessage {
  /** The provider name of the route. */
  readonly provider: string;
  /** The HTTP method, e.g. `POST`. */
  readonly method: string;
  /** The route pattern, as in {@link WebhookVerificationMessage.route}. */
  readonly route: string;
  /** What was decided. */
  readonly decision: WebhookReplayDecision;
  /** Whether the verifier found a delivery id in the request. */
  readonly hasDeliveryId: boolean;
  /** The store call the decision came from, if any. */
  readonly operation?: 'claim' | 'release';
  /** How long that store call took, in milliseconds. */
  readonly storeDurationMs?: number;
  /** For `store_error` and `store_timeout`: whether the handler ran anyway (`failOpen`). */
  readonly failOpen?: boolean;
  /** For `store_error`: the class name of the store's error, e.g. `Error`, never its message; for `store_timeout`: `ReplayStoreTimeoutError`. */
  readonly errorType?: string;
}

/** The tracing channel around each verification. Subscribe with `diagnostics_channel.tracingChannel(VERIFY_CHANNEL).subscribe(...)`. */
export const verifyChannel = diagnosticsChannel.tracingChannel<unknown, WebhookVerificationMessage>(VERIFY_CHANNEL);

/** The channel of replay decisions. */
export const replayChannel = diagnosticsChannel.channel(REPLAY_CHANNEL);

/** Messages of the verifications in progress, by platform request, for {@link noteRejection}. */
const inProgress = new WeakMap<object, WebhookVerificationMessage>();

/**
 * Runs `verify` inside the verify tracing channel. Without a subscriber it
 * only calls `verify`: no message is built.
 */
export function traceVerification(
  request: { rawBody?: Buffer },
  provider: ResolvedWebhookProvider,
  verify: () => boolean | Promise<boolean>,
): boolean | Promise<boolean> {
  // Each event channel rather than `verifyChannel.hasSubscribers`, which Node 20 has only from 20.13.
  const { start, end, asyncStart, asyncEnd, error } = verifyChannel;
  if (!(start.hasSubscribers || end.hasSubscribers || asyncStart.hasSubscribers || asyncEnd.hasSubscribers || error.hasSubscribers)) {
    return verify();
  }
  const started = performance.now();
  const message: WebhookVerificationMessage = { provider: provider.name, scheme: schemeOf(provider.verifier), ...routeOf(request) };
  inProgress.set(request, message);
  const settle = (outcome: WebhookVerificationOutcome, thrown?: unknown): void => {
    inProgress.delete(request);
    message.outcome = outcome === 'rejected' && message.reason === undefined ? 'error' : outcome;
    if (message.outcome === 'error') message.errorType = errorTypeOf(thrown);
    const body = request.rawBody;
    if (Buffer.isBuffer(body)) message.bodyBytes = body.length;
    message.durationMs = performance.now() - started;
  };
  return verifyChannel.tracePromise(async () => {
    try {
      const verified = await verify();
      settle(verified ? 'verified' : 'rejected');
      return verified;
    } catch (thrown) {
      // Thrown after the signature verified: a duplicate, a handshake's reply, a replay store failure.
      settle(message.outcome === 'verified' ? 'verified' : 'rejected', thrown);
      throw thrown;
    }
  }, message);
}

/**
 * Notes that the request's signature verified, before the guard claims it
 * for replay or answers a handshake: what it throws after this point is no
 * rejection of the signature.
 */
export function noteVerified(request: object): void {
  const message = inProgress.get(request);
  if (message) message.outcome = 'verified';
}

/** Notes why the guard rejects a request, for the verify channel's message. Called by the guard with every rejection. */
export function noteRejection(request: object, reason: VerificationFailureReason): void {
  const message = inProgress.get(request);
  if (message) message.reason = reason;
}

/** Details of a replay decision that depend on the store call. */
export interface ReplayDecisionDetails {
  /** `performance.now()` before the store call. */
  readonly started?: number;
  readonly operation?: 'claim' | 'release';
  readonly failOpen?: boolean;
  /** What the store threw. Only its class name is published. */
  readonly error?: unknown;
}

/** Publishes a replay decision, if anyone listens; otherwise builds nothing. */
export function publishReplayDecision(request: object, provider: string, decision: WebhookReplayDecision, details: ReplayDecisionDetails = {}): void {
  if (!replayChannel.hasSubscribers) return;
  const { started, operation, failOpen, error } = details;
  const message: WebhookReplayMessage = {
    provider,
    ...routeOf(request),
    decision,
    hasDeliveryId: decision !== 'no_delivery_id',
    ...(operation === undefined ? {} : { operation }),
    ...(started === undefined ? {} : { storeDurationMs: performance.now() - started }),
    ...(failOpen === undefined ? {} : { failOpen }),
    ...(error === undefined ? {} : { errorType: errorTypeOf(error) }),
  };
  replayChannel.publish(message);
}

/** The fields of an Express or a Fastify request that give the matched route. */
interface RoutedRequest {
  readonly method?: string;
  readonly originalUrl?: string;
  readonly url?: string;
  /** Express: the matched route. */
  readonly route?: { readonly path?: unknown };
  /** Fastify: the matched route. */
  readonly routeOptions?: { readonly url?: unknown };
}

/**
 * Method and route pattern of a request. The pattern keeps ids out of
 * metric attributes; the path without its query is the fallback for a
 * platform that gives none.
 */
function routeOf(request: object): { method: string; route: string } {
  const { method = '', originalUrl, url, route, routeOptions } = request as RoutedRequest;
  const pattern = route?.path ?? routeOptions?.url;
  if (typeof pattern === 'string' && pattern !== '') return { method, route: pattern };
  const path = originalUrl ?? url ?? '';
  const query = path.indexOf('?');
  return { method, route: query === -1 ? path : path.slice(0, query) };
}

const schemes = new WeakMap<WebhookVerifier, string>();

/** The scheme name of a verifier: built-in, `hmac`, or `custom`. */
function schemeOf(verifier: WebhookVerifier): string {
  let scheme = schemes.get(verifier);
  if (scheme === undefined) {
    const builtIn = describedSchemeName(verifier) ?? Object.entries(BUILT_IN_VERIFIERS).find(([, type]) => verifier.constructor === type)?.[0];
    scheme = builtIn ?? (verifier instanceof HmacSchemeVerifier ? 'hmac' : 'custom');
    schemes.set(verifier, scheme);
  }
  return scheme;
}

/** The class name of a thrown value: a bounded label, never its message. */
function errorTypeOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.constructor.name : typeof thrown;
}
