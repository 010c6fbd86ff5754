/** Where and how keys are fetched for schemes that publish them (PayPal certificates, Plaid keys). */
export interface RemoteKeyOptions {
  /**
   * Origins (`https://host`) keys may be fetched from: the vendor's
   * documented hosts. A URL elsewhere is refused before any request is made,
   * so a sender cannot point the guard at an internal address.
   */
  readonly origins: readonly string[];
  /** Longest wait for a key server, in milliseconds. @default 3000 */
  readonly timeoutMs?: number;
  /** How long a fetched key is kept, in milliseconds. @default 3600000 (an hour) */
  readonly ttlMs?: number;
  /** Most keys kept at once; the oldest goes first. @default 100 */
  readonly maxEntries?: number;
  /** Largest response read, in bytes. @default 65536 */
  readonly maxBytes?: number;
  /**
   * The path every key URL must start with, e.g. `'/v1/notifications/certs/'`,
   * followed by one name of letters, digits, `-` and `_` (`CERT-360caa42-…`);
   * a URL with a query or fragment, or with anything else after the prefix
   * (`/`, `%`, `.`), is refused too. @default any path
   */
  readonly pathPrefix?: string;
  /**
   * How long a failed fetch is remembered, in milliseconds: the same URL
   * (or key id) fails again without a request until then. @default 60000
   */
  readonly failureTtlMs?: number;
  /**
   * Most fetches started per minute. An unsigned request can name a key URL
   * or id: past this, one that is not cached fails without a request.
   * @default 30
   */
  readonly maxFetchesPerMinute?: number;
  /** The clock, in epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
}

/** Why no key could be had: the URL is not allowed, or the server did not answer with one. */
export type KeyFailure = 'forbidden_origin' | 'unavailable';

/** A key fetched for a URL, or why none could be had. */
export type KeyResult<T> = { readonly key: T } | { readonly failure: KeyFailure; readonly detail?: string };

/** A key fetched for a cache key, kept until `expiresAt`, and used past it while it cannot be fetched again. */
interface FetchedKey<T> {
  readonly key: T;
  readonly expiresAt: number;
}

/** A failed fetch, answered again without a request until `expiresAt`. */
interface FailedFetch {
  readonly result: KeyResult<never>;
  readonly expiresAt: number;
}

const LIMIT_REACHED: KeyResult<never> = { failure: 'unavailable', detail: 'fetch limit reached' };
/** The name a key URL gives after its `pathPrefix`: one path segment that no server reads in two ways. */
const KEY_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Fetches keys over HTTPS with Node's `fetch`, from allowed origins (and
 * path) only, with a timeout, and caches them by URL, bounded in size and
 * time. Fetches are limited per minute and a failure is remembered for a
 * minute, so that unsigned requests naming new URLs or key ids cannot make
 * the app fetch without end; concurrent requests for one URL share one fetch.
 *
 * Such requests cannot take a working key away either: keys that were
 * fetched and failures are kept apart, so failures never push a key out;
 * a key is cached by its URL as `new URL()` writes it (`a/../CERT-1` is
 * `CERT-1`, the host in lower case, no default port), so the same key
 * under other spellings is fetched and kept once, and
 * a key past its TTL is used for as long as it cannot be fetched again (the
 * limit is reached, or the server fails). What a flood of them can still
 * delay is the first fetch of a key never seen before: its delivery gets 503,
 * and the sender's retry succeeds once the minute has passed.
 */
export class RemoteKeyCache<T> {
  private readonly keys = new Map<string, FetchedKey<T>>();
  private readonly failures = new Map<string, FailedFetch>();
  private readonly pending = new Map<string, Promise<KeyResult<T>>>();
  private readonly origins: ReadonlySet<string>;
  private readonly timeoutMs: number;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly pathPrefix: string | undefined;
  private readonly failureTtlMs: number;
  private readonly maxFetchesPerMinute: number;
  private readonly clock: () => number;
  /** Start times of the fetches of the last minute. */
  // Stryker disable next-line ArrayDeclaration: the first filter by start time drops an entry that is not a number
  private fetchTimes: number[] = [];

  /** @param parse turns a response body into a key, or `undefined` when it is not one */
  constructor(
    options: RemoteKeyOptions,
    private readonly parse: (body: string) => T | undefined,
  ) {
    this.origins = new Set(options.origins);
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.ttlMs = options.ttlMs ?? 3_600_000;
    this.maxEntries = options.maxEntries ?? 100;
    this.maxBytes = options.maxBytes ?? 65_536;
    this.pathPrefix = options.pathPrefix;
    this.failureTtlMs = options.failureTtlMs ?? 60_000;
    this.maxFetchesPerMinute = options.maxFetchesPerMinute ?? 30;
    this.clock = options.clock ?? Date.now;
  }

  /** True when `url` is an absolute URL on one of the allowed origins. Never throws. */
  allows(url: string): boolean {
    return this.target(url) !== undefined;
  }

  /** `url` as `new URL()` writes it when it is allowed, the URL fetched and its cache key; `undefined` otherwise. Never throws. */
  private target(url: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.username !== '' || parsed.password !== '' || !this.origins.has(parsed.origin)) return undefined;
    if (this.pathPrefix === undefined) return parsed.href;
    const { pathname } = parsed;
    const allowed = pathname.startsWith(this.pathPrefix) && KEY_NAME.test(pathname.slice(this.pathPrefix.length)) && !url.includes('?') && !url.includes('#');
    return allowed ? parsed.href : undefined;
  }

  /**
   * The key at `url`, from the cache or fetched now, by the URL as `new URL()`
   * writes it. A key looked up by id at one URL (Plaid's, a POST) gives its
   * own `cacheKey` and request.
   */
  // Stryker disable next-line ObjectLiteral: fetch sends a GET when no method is given
  get(url: string, cacheKey?: string, init: RequestInit = { method: 'GET' }): Promise<KeyResult<T>> {
    const target = this.target(url);
    if (target === undefined) return Promise.resolve({ failure: 'forbidden_origin' });
    return this.cached(target, cacheKey ?? target, init);
  }

  private cached(url: string, cacheKey: string, init: RequestInit): Promise<KeyResult<T>> {
    const now = this.clock();
    const known = this.keys.get(cacheKey);
    if (known && known.expiresAt > now) return Promise.resolve({ key: known.key });
    const inFlight = this.pending.get(cacheKey);
    if (inFlight) return inFlight;
    const failed = this.failures.get(cacheKey);
    if (failed && failed.expiresAt > now && !known) return Promise.resolve(failed.result);
    this.fetchTimes = this.fetchTimes.filter((started) => started > now - 60_000);
    if (this.fetchTimes.length >= this.maxFetchesPerMinute) return Promise.resolve(known ? { key: known.key } : LIMIT_REACHED);
    this.fetchTimes.push(now);
    const fetched = this.fetch(url, init).then((result): KeyResult<T> => {
      this.pending.delete(cacheKey);
      if ('key' in result) {
        this.failures.delete(cacheKey);
        remember(this.keys, cacheKey, { key: result.key, expiresAt: this.clock() + this.ttlMs }, this.maxEntries);
        return result;
      }
      // A key that worked stays in use while it cannot be fetched again.
      if (known) return { key: known.key };
      remember(this.failures, cacheKey, { result, expiresAt: this.clock() + this.failureTtlMs }, this.maxEntries);
      return result;
    });
    this.pending.set(cacheKey, fetched);
    return fetched;
  }

  private async fetch(url: string, init: RequestInit): Promise<KeyResult<T>> {
    let text: string;
    try {
      const response = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) return { failure: 'unavailable', detail: `HTTP ${response.status}` };
      const declared = Number(response.headers.get('content-length'));
      if (declared > this.maxBytes) return { failure: 'unavailable', detail: 'response too large' };
      text = await readLimited(response, this.maxBytes);
    } catch (error) {
      // Stryker disable next-line StringLiteral: fetch, its timeout and readLimited throw only Errors, so the fallback text is never given
      return { failure: 'unavailable', detail: error instanceof Error ? error.name : 'fetch failed' };
    }
    let key: T | undefined;
    try {
      key = this.parse(text);
    } catch {
      // A parser that throws finds no key: the fetch must still settle, or later requests would wait on it.
    }
    return key === undefined ? { failure: 'unavailable', detail: 'no key in the response' } : { key };
  }
}

/** Sets `key` in `map`, last in its order, dropping the oldest entry when the map is full. */
function remember<V>(map: Map<string, V>, key: string, value: V, maxEntries: number): void {
  map.delete(key);
  if (map.size >= maxEntries) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/** The body of a response as text, refusing one longer than `limit` bytes. */
async function readLimited(response: Response, limit: number): Promise<string> {
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      // Stryker disable next-line StringLiteral: the caller reads the error's name only
      throw new RangeError('response too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
