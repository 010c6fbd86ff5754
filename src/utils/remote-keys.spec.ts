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

  it('allows only the configured path, with no query or fragment, when it has one', () => {
    const keys = cache({ pathPrefix: '/certs/' });
    expect(keys.allows(`${server.origin}/certs/CERT-1`)).toBe(true);
    for (const url of [`${server.origin}/other/CERT-1`, `${server.origin}/certs/CERT-1?x=1`, `${server.origin}/certs/CERT-1#x`, `${server.origin}/certs`]) {
      expect(keys.allows(url)).toBe(false);
    }
  });

  it('allows only the configured origins, without credentials, and never throws on a bad URL', () => {
    const keys = cache();
    expect(keys.allows(`${server.origin}/k`)).toBe(true);
    for (const url of ['', 'nonsense', `${server.origin.replace('http:', 'https:')}/k`, `http://user:pw@${server.origin.slice(7)}/k`, 'file:///etc/passwd']) {
      expect(keys.allows(url)).toBe(false);
    }
  });
});
