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
   * The path every key URL must start with, e.g. `'/v1/notifications/certs/'`;
   * a URL with a query or fragment is refused too. @default any path
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

interface Entry<T> {
  readonly key: Promise<KeyResult<T>>;
  expiresAt: number;
}

/**
 * Fetches keys over HTTPS with Node's `fetch`, from allowed origins (and
 * path) only, with a timeout, and caches them by URL, bounded in size and
 * time. A failure is remembered for a minute, and fetches are limited per
 * minute, so that unsigned requests naming new URLs or key ids cannot make
 * the app fetch without end; concurrent requests for one URL share one fetch.
 */
export class RemoteKeyCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
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
    try {
      const parsed = new URL(url);
      if (parsed.username !== '' || parsed.password !== '' || !this.origins.has(parsed.origin)) return false;
      return this.pathPrefix === undefined || (parsed.pathname.startsWith(this.pathPrefix) && !url.includes('?') && !url.includes('#'));
    } catch {
      return false;
    }
  }

  /**
   * The key at `url`, from the cache or fetched now. A key looked up by id
   * at one URL (Plaid's, a POST) gives its own `cacheKey` and request.
   */
  get(url: string, cacheKey: string = url, init: RequestInit = { method: 'GET' }): Promise<KeyResult<T>> {
    if (!this.allows(url)) return Promise.resolve({ failure: 'forbidden_origin' });
    const now = this.clock();
    const cached = this.entries.get(cacheKey);
    if (cached && cached.expiresAt > now) return cached.key;
    this.entries.delete(cacheKey);
    this.fetchTimes = this.fetchTimes.filter((started) => started > now - 60_000);
    if (this.fetchTimes.length >= this.maxFetchesPerMinute) return Promise.resolve({ failure: 'unavailable', detail: 'fetch limit reached' });
    this.fetchTimes.push(now);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const entry: { key: Promise<KeyResult<T>>; expiresAt: number } = { key: this.fetch(url, init), expiresAt: now + this.ttlMs };
    // A failure is kept for failureTtlMs only, so that the sender's retry may fetch again after it.
    void entry.key.then((result) => {
      if (!('key' in result)) entry.expiresAt = Math.min(entry.expiresAt, this.clock() + this.failureTtlMs);
    });
    this.entries.set(cacheKey, entry);
    return entry.key;
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
      return { failure: 'unavailable', detail: error instanceof Error ? error.name : 'fetch failed' };
    }
    const key = this.parse(text);
    return key === undefined ? { failure: 'unavailable', detail: 'no key in the response' } : { key };
  }
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
      throw new RangeError('response too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
