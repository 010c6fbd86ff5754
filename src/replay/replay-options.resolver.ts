import type { ResolvedWebhookProvider } from '../webhook-security-options.interface.js';
import { WebhookSecurityConfigurationError } from '../webhook-security.exceptions.js';
import {
  DEFAULT_REPLAY_CLAIM_TIMEOUT_MS,
  DEFAULT_REPLAY_KEY_PREFIX,
  DEFAULT_REPLAY_TTL_SECONDS,
  PREVIOUS_DEFAULT_REPLAY_KEY_PREFIX,
} from './replay.constants.js';
import type { ReplayOptions, ResolvedReplayOptions } from './replay-options.interface.js';
import type { ReplayStore } from './replay-store.interface.js';

const ON_DUPLICATE: readonly string[] = ['acknowledge', 'conflict'];
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The replay options of one provider: the module's, overridden field by
 * field by the provider's, or `undefined` when replay protection is off for
 * it. Without a `ttlSeconds` in either, the sender's `retentionSeconds` (its
 * verifier's retry window) applies, raised to twice the timestamp tolerance.
 * Throws at startup on a mistake.
 */
export function resolveReplayOptions(
  name: string,
  providerReplay: ReplayOptions | false | undefined,
  moduleReplay: ReplayOptions | undefined,
  moduleStore: ReplayStore,
  toleranceSeconds: number,
  retentionSeconds?: number,
): ResolvedReplayOptions | undefined {
  if (providerReplay === false || (providerReplay === undefined && moduleReplay === undefined)) return undefined;
  const replay = { ...moduleReplay, ...providerReplay };

  const store = replay.store ?? moduleStore;
  if (typeof store?.claim !== 'function' || typeof store.release !== 'function') {
    throw WebhookSecurityConfigurationError.invalidOption(
      name,
      'replay.store',
      'a ReplayStore with claim() and release(), such as new MemoryReplayStore() or new RedisReplayStore(redis)',
    );
  }
  const ttlSeconds = replay.ttlSeconds ?? Math.max(validRetention(retentionSeconds) ? retentionSeconds : DEFAULT_REPLAY_TTL_SECONDS, 2 * toleranceSeconds);
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw WebhookSecurityConfigurationError.invalidOption(name, 'replay.ttlSeconds', 'a positive number of seconds');
  }
  // A signed timestamp is accepted from `tolerance` before now to `tolerance`
  // after: a delivery can be replayed for twice the tolerance after it first
  // arrives, so its claim must last at least that long.
  if (ttlSeconds < 2 * toleranceSeconds) {
    throw WebhookSecurityConfigurationError.invalidOption(
      name,
      'replay.ttlSeconds',
      `at least twice the timestamp tolerance (${2 * toleranceSeconds} s), or a replay inside the tolerance outlives its claim`,
    );
  }
  const onDuplicate = replay.onDuplicate ?? 'acknowledge';
  if (!ON_DUPLICATE.includes(onDuplicate)) {
    throw WebhookSecurityConfigurationError.invalidOption(name, 'replay.onDuplicate', "'acknowledge' or 'conflict'");
  }
  const keyPrefix = replay.keyPrefix ?? DEFAULT_REPLAY_KEY_PREFIX;
  if (typeof keyPrefix !== 'string') {
    throw WebhookSecurityConfigurationError.invalidOption(name, 'replay.keyPrefix', "a string, e.g. 'billing:'");
  }
  const claimTimeoutMs = replay.claimTimeoutMs ?? DEFAULT_REPLAY_CLAIM_TIMEOUT_MS;
  // setTimeout fires at once for delays past 2^31 - 1 ms.
  if (!Number.isFinite(claimTimeoutMs) || claimTimeoutMs <= 0 || claimTimeoutMs > MAX_TIMER_MS) {
    throw WebhookSecurityConfigurationError.invalidOption(name, 'replay.claimTimeoutMs', 'a positive number of milliseconds, e.g. 1000');
  }
  return {
    store,
    ttlMs: Math.ceil(ttlSeconds * 1000),
    onDuplicate,
    failOpen: replay.failOpen === true,
    claimTimeoutMs,
    keyPrefix,
    previousKeyPrefix: replay.checkPreviousKeys === false ? undefined : (replay.keyPrefix ?? PREVIOUS_DEFAULT_REPLAY_KEY_PREFIX),
  };
}

/** Whether a verifier's `replayRetentionSeconds` is usable; a custom verifier's nonsense falls back to the default. */
function validRetention(seconds: number | undefined): seconds is number {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0;
}

/**
 * Fails startup when replay protection is on for a provider whose verifier
 * gives no delivery ids, or off for one whose scheme needs it, and when a
 * verifier's `unsignedEventTypeHeaders` is not a list of header names (each
 * delivery would otherwise fail with a 500).
 */
export function checkReplayVerifier({ name, verifier, replay }: ResolvedWebhookProvider): void {
  const headers: unknown = verifier.unsignedEventTypeHeaders;
  if (headers !== undefined && !(Array.isArray(headers) && headers.every((header) => typeof header === 'string' && header !== ''))) {
    throw WebhookSecurityConfigurationError.invalidOption(name, 'verifier.unsignedEventTypeHeaders', "a list of header names, e.g. ['x-event']");
  }
  if (!replay && verifier.requiresReplay) {
    throw WebhookSecurityConfigurationError.invalidOption(
      name,
      'replay',
      `on for this scheme (${verifier.requiresReplay}): set replay: {} for the in-memory store, or a shared store`,
    );
  }
  if (replay && typeof verifier.deliveryId !== 'function') {
    throw WebhookSecurityConfigurationError.invalidOption(
      name,
      'verifier',
      'a verifier with a deliveryId(request) method to use replay protection (or set replay: false for this provider)',
    );
  }
}
