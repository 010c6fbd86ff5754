import { startKeyServer, type KeyServer } from '../../test/support/key-server.js';
import { RemoteKeyCache } from './remote-keys.js';

describe('RemoteKeyCache, against a real key server on 127.0.0.1', () => {
  let server: KeyServer;
  beforeEach(async () => {
    server = await startKeyServer();
  });
  afterEach(() => server.close());

  const cache = (options: Partial<ConstructorParameters<typeof RemoteKeyCache>[0]> = {}) =>
    new RemoteKeyCache<string>({ origins: [server.origin], ...options }, (body) => (body.startsWith('key:') ? body : undefined));

  it('gives up on a slow server after the timeout, and fetches again on the next request', async () => {
    server.routes.set('/slow', { body: 'key:1', delayMs: 4000 });
    let now = 0;
    const keys = cache({ timeoutMs: 1000, clock: () => now });
    // The server would answer with a key after 4 s: getting none shows the wait was cut short.
    await expect(keys.get(`${server.origin}/slow`)).resolves.toMatchObject({ failure: 'unavailable' });
    server.routes.set('/slow', { body: 'key:2' });
    // The failure is remembered for a minute, then fetched again.
    await expect(keys.get(`${server.origin}/slow`)).resolves.toMatchObject({ failure: 'unavailable' });
    now = 60_000;
    await expect(keys.get(`${server.origin}/slow`)).resolves.toEqual({ key: 'key:2' });
  });

  it('answers a response its parser throws on as no key, and fetches it again once that failure expires', async () => {
    let now = 0;
    server.routes.set('/k', { body: 'not a key' });
    const keys = new RemoteKeyCache<string>({ origins: [server.origin], clock: () => now }, (body) => {
      if (!body.startsWith('key:')) throw new TypeError('unparsable');
      return body;
    });
    await expect(keys.get(`${server.origin}/k`)).resolves.toEqual({ failure: 'unavailable', detail: 'no key in the response' });
    server.routes.set('/k', { body: 'key:1' });
    now = 60_000;
    await expect(keys.get(`${server.origin}/k`)).resolves.toEqual({ key: 'key:1' });
    expect(server.hits.get('/k')).toBe(2);
  });

  it('keeps a key for its time to live, then fetches it again', async () => {
    let now = 0;
    server.routes.set('/k', { body: 'key:a' });
    const keys = cache({ ttlMs: 1000, clock: () => now });
    await keys.get(`${server.origin}/k`);
    now = 999;
    await keys.get(`${server.origin}/k`);
    expect(server.hits.get('/k')).toBe(1);
    now = 1000;
    await keys.get(`${server.origin}/k`);
    expect(server.hits.get('/k')).toBe(2);
  });

  it('holds at most maxEntries keys, forgetting the oldest', async () => {
    for (const path of ['/a', '/b', '/c']) server.routes.set(path, { body: `key:${path}` });
    const keys = cache({ maxEntries: 2 });
    for (const path of ['/a', '/b', '/c', '/b', '/a']) await keys.get(`${server.origin}${path}`);
    expect(Object.fromEntries(server.hits)).toEqual({ '/a': 2, '/b': 1, '/c': 1 });
  });

  it('shares one fetch between concurrent requests for a key', async () => {
    server.routes.set('/k', { body: 'key:a', delayMs: 50 });
    const keys = cache();
    await Promise.all([keys.get(`${server.origin}/k`), keys.get(`${server.origin}/k`), keys.get(`${server.origin}/k`)]);
    expect(server.hits.get('/k')).toBe(1);
  });

  it('refuses a response over maxBytes, and a redirect', async () => {
    server.routes.set('/big', { body: `key:${'x'.repeat(2000)}` });
    await expect(cache({ maxBytes: 1000 }).get(`${server.origin}/big`)).resolves.toMatchObject({ failure: 'unavailable' });
    server.routes.set('/moved', { body: '', status: 302 });
    await expect(cache().get(`${server.origin}/moved`)).resolves.toMatchObject({ failure: 'unavailable' });
  });

  it('starts at most maxFetchesPerMinute fetches a minute, and keeps what it fetched', async () => {
    let now = 0;
    for (const path of ['/a', '/b', '/c']) server.routes.set(path, { body: `key:${path}` });
    const keys = cache({ maxFetchesPerMinute: 2, clock: () => now });
    await expect(keys.get(`${server.origin}/a`)).resolves.toEqual({ key: 'key:/a' });
    await expect(keys.get(`${server.origin}/b`)).resolves.toEqual({ key: 'key:/b' });
    await expect(keys.get(`${server.origin}/c`)).resolves.toMatchObject({ failure: 'unavailable' });
    await expect(keys.get(`${server.origin}/a`)).resolves.toEqual({ key: 'key:/a' });
    now = 60_001;
    await expect(keys.get(`${server.origin}/c`)).resolves.toEqual({ key: 'key:/c' });
    expect(Object.fromEntries(server.hits)).toEqual({ '/a': 1, '/b': 1, '/c': 1 });
  });

  it('allows only the configured path and one plain name after it, with no query or fragment, when it has one', () => {
    const keys = cache({ pathPrefix: '/certs/' });
    expect(keys.allows(`${server.origin}/certs/CERT-1`)).toBe(true);
    expect(keys.allows(`${server.origin}/certs/x/../CERT_1`)).toBe(true);
    for (const url of [
      `${server.origin}/other/CERT-1`,
      `${server.origin}/certs/CERT-1?x=1`,
      `${server.origin}/certs/CERT-1#x`,
      `${server.origin}/certs`,
      `${server.origin}/certs/`,
      `${server.origin}/certs/CERT-1/`,
      `${server.origin}/certs//CERT-1`,
      `${server.origin}/certs/%43ERT-1`,
      `${server.origin}/certs/CERT.1`,
      `${server.origin}/certs/a/CERT-1`,
    ]) {
      expect(keys.allows(url)).toBe(false);
    }
  });

  it('fetches and keeps a key once under every spelling of its URL that new URL() writes alike', async () => {
    server.routes.set('/certs/CERT-1', { body: 'key:1' });
    const keys = cache({ pathPrefix: '/certs/', maxEntries: 1 });
    const { port } = new URL(server.origin);
    for (const url of [
      `${server.origin}/certs/CERT-1`,
      `${server.origin}/certs/a/../CERT-1`,
      `http://127.0.0.1:${port}/certs/./CERT-1`,
      `HTTP://127.0.0.1:${port}/certs/CERT-1`,
    ]) {
      await expect(keys.get(url)).resolves.toEqual({ key: 'key:1' });
    }
    expect(server.hits.get('/certs/CERT-1')).toBe(1);
  });

  it('allows only the configured origins, without credentials, and never throws on a bad URL', () => {
    const keys = cache();
    expect(keys.allows(`${server.origin}/k`)).toBe(true);
    const host = server.origin.slice(7);
    for (const url of [
      '',
      'nonsense',
      `${server.origin.replace('http:', 'https:')}/k`,
      `http://user:pw@${host}/k`,
      `http://user@${host}/k`,
      `http://:pw@${host}/k`,
      'file:///etc/passwd',
    ]) {
      expect(keys.allows(url)).toBe(false);
    }
  });

  it('refuses a key URL on another origin without fetching it', async () => {
    const other = await startKeyServer();
    try {
      other.routes.set('/k', { body: 'key:other' });
      await expect(cache().get(`${other.origin}/k`)).resolves.toEqual({ failure: 'forbidden_origin' });
      expect(other.hits.size).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('refuses a key URL with credentials without fetching it', async () => {
    server.routes.set('/k', { body: 'key:a' });
    const host = server.origin.slice(7);
    for (const url of [`http://user@${host}/k`, `http://:pw@${host}/k`]) {
      await expect(cache().get(url)).resolves.toEqual({ failure: 'forbidden_origin' });
    }
    expect(server.hits.size).toBe(0);
  });

  it('counts a fetch against the limit for exactly a minute', async () => {
    let now = 0;
    for (const path of ['/a', '/b']) server.routes.set(path, { body: `key:${path}` });
    const keys = cache({ maxFetchesPerMinute: 1, clock: () => now });
    await expect(keys.get(`${server.origin}/a`)).resolves.toEqual({ key: 'key:/a' });
    now = 59_999;
    await expect(keys.get(`${server.origin}/b`)).resolves.toEqual({ failure: 'unavailable', detail: 'fetch limit reached' });
    now = 60_000;
    await expect(keys.get(`${server.origin}/b`)).resolves.toEqual({ key: 'key:/b' });
    expect(Object.fromEntries(server.hits)).toEqual({ '/a': 1, '/b': 1 });
  });

  it('keeps using a key past its time to live while the limit is reached', async () => {
    let now = 0;
    for (const path of ['/a', '/b']) server.routes.set(path, { body: `key:${path}` });
    const keys = cache({ ttlMs: 1000, maxFetchesPerMinute: 2, clock: () => now });
    await keys.get(`${server.origin}/a`);
    await keys.get(`${server.origin}/b`);
    now = 1000;
    await expect(keys.get(`${server.origin}/a`)).resolves.toEqual({ key: 'key:/a' });
    expect(Object.fromEntries(server.hits)).toEqual({ '/a': 1, '/b': 1 });
  });

  it('keeps using a key past its time to live while its server fails, and takes the new one once it answers', async () => {
    let now = 0;
    server.routes.set('/a', { body: 'key:old' });
    const keys = cache({ ttlMs: 1000, clock: () => now });
    await keys.get(`${server.origin}/a`);
    server.routes.set('/a', { body: 'key:new', status: 500 });
    now = 1000;
    await expect(keys.get(`${server.origin}/a`)).resolves.toEqual({ key: 'key:old' });
    server.routes.set('/a', { body: 'key:new' });
    await expect(keys.get(`${server.origin}/a`)).resolves.toEqual({ key: 'key:new' });
    expect(server.hits.get('/a')).toBe(3);
  });

  it('takes no key from an error response, whatever its body', async () => {
    server.routes.set('/k', { body: 'key:a', status: 503 });
    await expect(cache().get(`${server.origin}/k`)).resolves.toEqual({ failure: 'unavailable', detail: 'HTTP 503' });
  });

  it('says when a response holds no key', async () => {
    server.routes.set('/k', { body: 'not a key' });
    await expect(cache().get(`${server.origin}/k`)).resolves.toEqual({ failure: 'unavailable', detail: 'no key in the response' });
  });

  it('reads a response without a body as empty text', async () => {
    server.routes.set('/k', { body: '', status: 204 });
    const read: string[] = [];
    const keys = new RemoteKeyCache<string>({ origins: [server.origin] }, (body) => {
      read.push(body);
      return undefined;
    });
    await expect(keys.get(`${server.origin}/k`)).resolves.toEqual({ failure: 'unavailable', detail: 'no key in the response' });
    expect(read).toEqual(['']);
  });

  it('takes a response of exactly maxBytes, and refuses one byte more from its declared length', async () => {
    server.routes.set('/k', { body: `key:${'x'.repeat(996)}`, declareLength: true });
    await expect(cache({ maxBytes: 1000 }).get(`${server.origin}/k`)).resolves.toEqual({ key: `key:${'x'.repeat(996)}` });
    await expect(cache({ maxBytes: 999 }).get(`${server.origin}/k`)).resolves.toEqual({ failure: 'unavailable', detail: 'response too large' });
  });

  it('takes a chunked response of exactly maxBytes, and stops reading at one byte more', async () => {
    server.routes.set('/k', { body: `key:${'x'.repeat(996)}` });
    await expect(cache({ maxBytes: 1000 }).get(`${server.origin}/k`)).resolves.toEqual({ key: `key:${'x'.repeat(996)}` });
    await expect(cache({ maxBytes: 999 }).get(`${server.origin}/k`)).resolves.toEqual({ failure: 'unavailable', detail: 'RangeError' });
  });
});
