import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Logger } from '@nestjs/common';
import { publishReplayDecision } from '../diagnostics/webhook-diagnostics.channels.js';
import { releaseOnFailure } from './release-on-failure.js';
import { AcknowledgedDuplicateDelivery, DuplicateWebhookException, WebhookReplayStoreUnavailableException } from './replay.exceptions.js';
import type { ResolvedReplayOptions } from './replay-options.interface.js';
import { eventTypeKeys, previousReplayKey, replayKey } from './webhook-delivery.js';
import { describeError } from '../utils/describe-error.js';

/** A store that did not answer within `claimTimeoutMs`. */
class ReplayStoreTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** The store keys of one delivery: see {@link replayKey} and {@link eventTypeKeys}. */
interface DeliveryKeys {
  readonly key: string;
  readonly previousKey: string | undefined;
  readonly eventType: { readonly bound: string; readonly boundTo: string } | undefined;
}

/**
 * What a claim found: a new delivery (or the retry of one that failed, under
 * the same event type), a duplicate, or a body first claimed under other
 * values of its unsigned event type headers.
 */
type ClaimOutcome = 'claimed' | 'duplicate' | 'other_event_type';

/**
 * The token of the keys that tie a body to its event type headers: they are
 * never settled, so they hold what a settled claim holds (`RedisReplayStore`
 * keeps `'1'` as a shared integer). Only the holder of the delivery's key
 * writes or releases them, so no other holder's claim is ever released.
 */
const TIED = '1';

/**
 * Claims a verified delivery, for the signature guard, which calls it once
 * the request is verified and the delivery id known. Resolves `true` when
 * the handler may run; throws the duplicate's answer or the 503.
 *
 * - First delivery: the claim is kept if the response is a 2xx, and settled
 *   after it where the store can; released otherwise (the handler threw, a
 *   pipe rejected, the handler set a 4xx or 5xx), before the failure
 *   response leaves: see {@link releaseOnFailure}.
 * - Duplicate (also while the first delivery still runs): 200 with an empty
 *   body through `WebhookReplayFilter`, or 409.
 * - Store failing or not answering within `claimTimeoutMs`: 503 with an error
 *   log, or with `failOpen` the handler runs unchecked, with a warning.
 * - No delivery id: the handler runs unchecked, with a warning.
 * - `eventTypeHeaders`, the values of the event type headers that the
 *   signature does not cover, when the sender has such headers: the body is
 *   tied to the values its first claim came with. Sent again under other
 *   values, it is a duplicate even once its claim was released (or 409),
 *   so that a captured body whose delivery failed never reaches the
 *   handlers of another event type. See {@link claimKeys}.
 */
export async function claimDelivery(
  logger: Logger,
  provider: string,
  replay: ResolvedReplayOptions,
  id: string | undefined,
  response: ServerResponse,
  request: object,
  eventTypeHeaders?: string,
): Promise<boolean> {
  if (id === undefined) {
    logger.warn(`Webhook from '${provider}' has no delivery id: handled without replay protection`);
    publishReplayDecision(request, provider, 'no_delivery_id');
    return true;
  }
  const keys: DeliveryKeys = {
    key: replayKey(replay.keyPrefix, provider, id),
    previousKey: replay.previousKeyPrefix === undefined ? undefined : previousReplayKey(replay.previousKeyPrefix, provider, id),
    eventType: eventTypeHeaders === undefined ? undefined : eventTypeKeys(replay.keyPrefix, provider, id, eventTypeHeaders),
  };
  const { key } = keys;
  const token = randomUUID();
  let outcome: ClaimOutcome;
  const started = performance.now();
  try {
    const claim = claimKeys(logger, provider, replay, keys, token);
    outcome = await within(claim, replay.claimTimeoutMs, () => releaseLateClaim(logger, provider, replay, key, token, claim));
  } catch (error) {
    publishReplayDecision(request, provider, storeFailure(error), { started, operation: 'claim', failOpen: replay.failOpen, error });
    if (!replay.failOpen) {
      logger.error(`Replay store failed for '${provider}'; answering 503: ${describe(error)}`);
      throw new WebhookReplayStoreUnavailableException();
    }
    logger.warn(`Replay store failed for '${provider}'; handling the webhook unchecked (failOpen): ${describe(error)}`);
    return true;
  }
  publishReplayDecision(request, provider, outcome, { started, operation: 'claim' });
  if (outcome !== 'claimed') {
    if (outcome === 'duplicate') logger.log(`Duplicate webhook from '${provider}' (${key}): handler not run`);
    else logger.warn(`Webhook from '${provider}' (${key}) repeats a signed body first received under another event type header: handler not run`);
    throw replay.onDuplicate === 'conflict' ? new DuplicateWebhookException() : new AcknowledgedDuplicateDelivery();
  }
  const { store } = replay;
  const settle =
    store.settle &&
    (() =>
      void Promise.resolve()
        .then(() => store.settle!(key, token))
        .catch((error: unknown) => logSettleFailure(logger, provider, key, error)));
  releaseOnFailure(response, () => release(logger, provider, replay, key, token, request), settle);
  return true;
}

/**
 * Claims the delivery's key; for a body tied to its event type headers,
 * then both {@link eventTypeKeys} together, which only the holder of the
 * delivery's key ever writes:
 * - `bound` new and `boundTo` new: the first claim of the body; both stay
 *   until they expire, past any release of the delivery;
 * - `bound` known and `boundTo` known: the body came with these values
 *   before, and its claim was released: the sender's retry;
 * - `bound` known and `boundTo` new: the body came with other values:
 *   decided at once; then `boundTo` is released, and the delivery's key, so
 *   that the sender's own retry is still handled (see {@link untie});
 * - `bound` new and `boundTo` known: `bound` had gone (evicted from a full
 *   store); `boundTo` still names the values: the retry.
 *
 * A store failing on either releases the delivery's key before the error
 * goes on, and the `bound` this claim recorded, if it did: the 503 leaves
 * the body tied to nothing, as a claim the store failed outright does, and
 * the sender's retry ties it. A `bound` that cannot be released refuses
 * every retry until it expires.
 */
async function claimKeys(logger: Logger, provider: string, replay: ResolvedReplayOptions, keys: DeliveryKeys, token: string): Promise<ClaimOutcome> {
  const { store, ttlMs } = replay;
  if (!(await store.claim(keys.key, token, ttlMs, keys.previousKey))) return 'duplicate';
  if (!keys.eventType) return 'claimed';
  const { bound, boundTo } = keys.eventType;
  const [first, typed] = await Promise.allSettled([store.claim(bound, TIED, ttlMs), store.claim(boundTo, TIED, ttlMs)]);
  if (first.status === 'rejected' || typed.status === 'rejected') {
    // A `bound` without its values would refuse the sender's retry until it expires: this claim wrote it, so takes it back.
    // Stryker disable next-line ConditionalExpression: a rejected result has no value; the status check only narrows its type.
    if (first.status === 'fulfilled' && first.value) await release(logger, provider, replay, bound, TIED);
    await release(logger, provider, replay, keys.key, token);
    throw first.status === 'rejected' ? first.reason : (typed as PromiseRejectedResult).reason;
  }
  if (first.value || !typed.value) return 'claimed';
  // Decided: the releases run after the answer, so that a store slow to release never turns the decision into a timeout.
  void untie(logger, provider, replay, keys.key, boundTo, token);
  return 'other_event_type';
}

/**
 * Releases the `boundTo` of a body sent under other values, then the
 * delivery's key. Should `boundTo` not be released, the delivery's key is
 * kept until it expires: these values would pass next. Never throws.
 */
async function untie(logger: Logger, provider: string, replay: ResolvedReplayOptions, key: string, boundTo: string, token: string): Promise<void> {
  try {
    await within(replay.store.release(boundTo, TIED), replay.claimTimeoutMs);
  } catch (error) {
    logger.error(
      `Replay store failed to release a key of a webhook from '${provider}' (${key}) sent under another event type; ` +
        `the delivery is kept as a duplicate until it expires: ${describe(error)}`,
    );
    return;
  }
  await release(logger, provider, replay, key, token);
}

/** A claim that could not be settled still holds the delivery, at its in-flight size: a warning, not an error. */
function logSettleFailure(logger: Logger, provider: string, key: string, error: unknown): void {
  logger.warn(`Replay store failed to settle a delivery from '${provider}' (${key}); the claim stays with its token until it expires: ${describe(error)}`);
}

/** `store_timeout` for a store that did not answer in time, `store_error` for one that failed. */
function storeFailure(error: unknown): 'store_timeout' | 'store_error' {
  return error instanceof ReplayStoreTimeoutError ? 'store_timeout' : 'store_error';
}

/** Releases the claim of a delivery that failed. Never throws: the failure response is what the sender gets. */
async function release(logger: Logger, provider: string, replay: ResolvedReplayOptions, key: string, token: string, request?: object): Promise<void> {
  const started = performance.now();
  try {
    await within(replay.store.release(key, token), replay.claimTimeoutMs);
    if (request) publishReplayDecision(request, provider, 'released', { started, operation: 'release' });
  } catch (error) {
    if (request) publishReplayDecision(request, provider, storeFailure(error), { started, operation: 'release', error });
    logger.error(
      `Replay store failed to release a failed delivery from '${provider}' (${key}); ` +
        `its retries count as duplicates until the claim expires: ${describe(error)}`,
    );
  }
}

/**
 * A claim that timed out was answered 503 (or handled unchecked), so the
 * sender retries; should the store record it after all, the retry would be
 * taken for a duplicate and never handled. Released as soon as it lands.
 */
function releaseLateClaim(logger: Logger, provider: string, replay: ResolvedReplayOptions, key: string, token: string, claim: Promise<ClaimOutcome>): void {
  claim.then(
    (outcome) => (outcome === 'claimed' ? release(logger, provider, replay, key, token) : undefined),
    () => undefined,
  );
}

/** `promise`, or a `TimeoutError` after `ms` milliseconds, when `onTimeout` runs too. */
function within<T>(promise: Promise<T>, ms: number, onTimeout?: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.();
      reject(new ReplayStoreTimeoutError(`no answer within ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * A store error for a log line: the library's own timeout with its message,
 * any other error by class and code only, as a store client's message may
 * quote its connection string.
 */
function describe(error: unknown): string {
  return error instanceof ReplayStoreTimeoutError ? `${error.name}: ${error.message}` : describeError(error);
}
