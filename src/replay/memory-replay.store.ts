import { Logger } from '@nestjs/common';
import { LOGGER_CONTEXT } from '../webhook-security.constants.js';
import type { ReplayStore } from './replay-store.interface.js';

/** Least time between two warnings that live claims were evicted. */
const EVICTION_WARNING_INTERVAL_MS = 60_000;

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /**
   * Most keys held at once. When full, expired keys go first, then the
   * oldest live one: memory stays bounded under any load, at the price of
   * forgetting the oldest deliveries early, so that a replay of one would
   * run again. Evicting a live key logs a warning, at most once a minute,
   * with the number evicted since the last one.
   * @default 100000
   */
  readonly maxEntries?: number;
  /**
   * The clock, in epoch milliseconds. Tests set it to expire keys.
   * @default Date.now
   */
  readonly clock?: () => number;
}

/** A claim in flight: who holds it and until when. */
interface Claim {
  readonly token: string;
  readonly expiresAt: number;
}

/** A claim in flight, or a settled one: only its expiry, in epoch milliseconds. */
type Entry = Claim | number;

const expiryOf = (entry: Entry): number => (typeof entry === 'number' ? entry : entry.expiresAt);

/**
 * The default {@link ReplayStore}: a `Map` in the process, bounded by size,
 * with a TTL per key. Claims are atomic because Node runs them on one thread,
 * but they are not shared: use it for a single app instance, and a shared
 * store such as {@link RedisReplayStore} behind a load balancer.
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly claims = new Map<string, Entry>();
  /** No key expires before this time: a full store sweeps for expired keys only once it has passed. */
  private nextExpiry = Infinity;
  private readonly maxEntries: number;
  private readonly clock: () => number;
  private readonly logger = new Logger(LOGGER_CONTEXT);
  /** Live claims evicted since the last warning, and when that warning was logged. */
  private evictedLive = 0;
  private lastWarningAt = -Infinity;

  constructor({ maxEntries = 100_000, clock = Date.now }: MemoryReplayStoreOptions = {}) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries <= 0) {
      throw new RangeError('MemoryReplayStore: maxEntries must be a positive whole number.');
    }
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /** Number of keys held, expired ones included until they are swept. */
  get size(): number {
    return this.claims.size;
  }

  claim(key: string, token: string, ttlMs: number, previousKey?: string): Promise<boolean> {
    const now = this.clock();
    const current = this.claims.get(key);
    if (current !== undefined && expiryOf(current) > now) return Promise.resolve(false);
    // Stryker disable next-line ConditionalExpression: no key is undefined, so claims.get(undefined) is undefined too.
    const previous = previousKey === undefined ? undefined : this.claims.get(previousKey);
    if (previous !== undefined && expiryOf(previous) > now) return Promise.resolve(false);

    // Deleting first re-inserts the key at the end, so the Map stays in claim order.
    this.claims.delete(key);
    if (this.claims.size >= this.maxEntries) this.evict(now);
    const expiresAt = now + ttlMs;
    this.claims.set(key, { token, expiresAt });
    this.nextExpiry = Math.min(this.nextExpiry, expiresAt);
    return Promise.resolve(true);
  }

  release(key: string, token: string): Promise<void> {
    if (this.holds(key, token)) this.claims.delete(key);
    return Promise.resolve();
  }

  /** Keeps only the expiry of a claim that succeeded: the token and its object go. */
  settle(key: string, token: string): Promise<void> {
    const current = this.claims.get(key);
    if (this.holds(key, token)) this.claims.set(key, expiryOf(current!));
    return Promise.resolve();
  }

  /** Whether `key` is a claim in flight under `token`. */
  private holds(key: string, token: string): boolean {
    const current = this.claims.get(key);
    return typeof current === 'object' && current.token === token;
  }

  /** Forgets every key. */
  clear(): void {
    this.claims.clear();
    this.nextExpiry = Infinity;
  }

  /**
   * Makes room for one claim. Expired keys go first: those at the old end
   * (claim order is expiry order when every provider has one TTL, so this
   * usually frees room in O(1) amortised), then, if none was there, all
   * expired keys (providers with different TTLs). Only when every key is
   * live does the oldest live claim go. The sweep of all keys runs only once
   * some key may have expired since the last one, so a store full of live
   * keys does not walk them all on every claim.
   */
  private evict(now: number): void {
    for (const [key, entry] of this.claims) {
      // Stryker disable next-line EqualityOperator: a key expiring exactly now that this stops at is dropped by the full sweep, as nextExpiry <= now.
      if (expiryOf(entry) > now) break;
      this.claims.delete(key);
    }
    // Stryker disable next-line ConditionalExpression: the full sweep then also runs when there is room, dropping only expired keys.
    if (this.claims.size < this.maxEntries) return;
    if (now >= this.nextExpiry) {
      let next = Infinity;
      for (const [key, entry] of this.claims) {
        const expiresAt = expiryOf(entry);
        if (expiresAt <= now) this.claims.delete(key);
        else next = Math.min(next, expiresAt);
      }
      this.nextExpiry = next;
    }
    if (this.claims.size < this.maxEntries) return;
    this.claims.delete(this.claims.keys().next().value!);
    this.warnOfLiveEviction(now);
  }

  /** Warns that a live claim was forgotten before its TTL, at most once per {@link EVICTION_WARNING_INTERVAL_MS}. */
  private warnOfLiveEviction(now: number): void {
    this.evictedLive++;
    if (now - this.lastWarningAt < EVICTION_WARNING_INTERVAL_MS) return;
    this.logger.warn(
      `MemoryReplayStore is full (maxEntries ${this.maxEntries}): ${this.evictedLive} delivery id(s) still within their TTL were forgotten, ` +
        `so a replay of those would run again. Raise maxEntries, or use a shared store such as RedisReplayStore.`,
    );
    this.evictedLive = 0;
    this.lastWarningAt = now;
  }
}
