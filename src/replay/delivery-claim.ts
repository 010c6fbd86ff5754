import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Logger } from '@nestjs/common';
import { publishReplayDecision } from '../diagnostics/webhook-diagnostics.channels.js';
import { releaseOnFailure } from './release-on-failure.js';
import { AcknowledgedDuplicateDelivery, DuplicateWebhookException, WebhookReplayStoreUnavailableException } from './replay.exceptions.js';
import type { ResolvedReplayOptions } from './replay-options.interface.js';
import { previousReplayKey, replayKey } from './webhook-delivery.js';
import { describeError } from '../utils/describe-error.js';

/** A store that did not answer within `claimTimeoutMs`. */
class ReplayStoreTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

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
 */
export async function claimDelivery(
  logger: Logger,
  provider: string,
  replay: ResolvedReplayOptions,
  id: string | undefined,
  response: ServerResponse,
  request: object,
): Promise<boolean> {
  if (id === undefined) {
    logger.warn(`Webhook from '${provider}' has no delivery id: handled without replay protection`);
    publishReplayDecision(request, provider, 'no_delivery_id');
    return true;
  }
  const key = replayKey(replay.keyPrefix, provider, id);
  const previousKey = replay.previousKeyPrefix === undefined ? undefined : previousReplayKey(replay.previousKeyPrefix, provider, id);
  const token = randomUUID();
  let claimed: boolean;
  const started = performance.now();
  try {
    const claim = replay.store.claim(key, token, replay.ttlMs, previousKey);
    claimed = await within(claim, replay.claimTimeoutMs, () => releaseLateClaim(logger, provider, replay, key, token, claim));
  } catch (error) {
    publishReplayDecision(request, provider, storeFailure(error), { started, operation: 'claim', failOpen: replay.failOpen, error });
    if (!replay.failOpen) {
      logger.error(`Replay store failed for '${provider}'; answering 503: ${describe(error)}`);
      throw new WebhookReplayStoreUnavailableException();
    }
    logger.warn(`Replay store failed for '${provider}'; handling the webhook unchecked (failOpen): ${describe(error)}`);
    return true;
  }
  publishReplayDecision(request, provider, claimed ? 'claimed' : 'duplicate', { started, operation: 'claim' });
  if (!claimed) {
    logger.log(`Duplicate webhook from '${provider}' (${key}): handler not run`);
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
function releaseLateClaim(logger: Logger, provider: string, replay: ResolvedReplayOptions, key: string, token: string, claim: Promise<boolean>): void {
  claim.then(
    (claimed) => (claimed ? release(logger, provider, replay, key, token) : undefined),
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
