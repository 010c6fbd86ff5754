import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { RedisReplayStore, WebhookSecurityModule, type ReplayOptions } from '../../src/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { SECRETS, type Adapter } from '../app/create-app.js';
import { connect, connectCluster, redisClusterNodes, redisUrl, startRedisServer, type OwnRedisServer } from './redis-server.js';
import { REPLAY_SECRETS, createReplayApp, post, type ReplayTestApp } from './replay-app.js';

const clients: (Redis | Cluster)[] = [];
const apps: ReplayTestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map(({ app }) => app.close()));
  for (const client of clients.splice(0)) client.disconnect();
});

/** A client of its own per app instance, as separate processes would have. */
function client(url: string): Redis {
  const redis = connect(url);
  redis.on('error', () => {}); // reconnection errors are expected while a test has Redis stopped
  clients.push(redis);
  return redis;
}

/** A Cluster client of its own per app instance. */
function clusterClient(): Cluster {
  const cluster = connectCluster(redisClusterNodes());
  clients.push(cluster);
  return cluster;
}

/** Where the instances keep their claims: one Redis, or a Redis Cluster. */
type Topology = 'one Redis' | 'a Redis Cluster of 3 masters';
/** A topology, or the URL of a Redis of the test's own. */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the names say what the string may be
type Target = Topology | string;
const clientOf = (topology: Target): Redis | Cluster =>
  topology === 'a Redis Cluster of 3 masters' ? clusterClient() : client(topology === 'one Redis' ? redisUrl() : topology);

/** An app instance whose replay store is the Redis at `url`, or the shared cluster. */
async function instance(url: Target, replay: ReplayOptions = {}, adapter: Adapter = 'express'): Promise<ReplayTestApp> {
  const t = await createReplayApp(
    WebhookSecurityModule.forRoot({
      replay: { store: new RedisReplayStore(clientOf(url)), ...replay },
      providers: Object.fromEntries(Object.entries(REPLAY_SECRETS).map(([name, secret]) => [name, { secret }])),
    }),
    adapter,
  );
  apps.push(t);
  return t;
}

type Delivery = { readonly vendor: 'noyo' | 'fullup'; readonly body: string; readonly headers: Record<string, string> };

const fullup = (event: object): Delivery => {
  const body = JSON.stringify(event);
  return { vendor: 'fullup', body, headers: signWebhook('fullup', { secret: SECRETS.fullup, body }) };
};
const noyo = (event: { id: string }, signedAt = new Date()): Delivery => {
  const body = JSON.stringify({ data: { id: 'd' }, event });
  return { vendor: 'noyo', body, headers: signWebhook('noyo', { secret: SECRETS.noyo, body, timestamp: signedAt }) };
};
const send = (t: ReplayTestApp, { vendor, body, headers }: Delivery) => post(`${t.baseUrl}/webhooks/${vendor}`, body, headers);

/** Every key matching `pattern`, on each master of a cluster. */
async function keysOf(redis: Redis | Cluster, pattern: string): Promise<string[]> {
  if (!('nodes' in redis)) return redis.keys(pattern);
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  return (await Promise.all(redis.nodes('master').map((node) => node.keys(pattern)))).flat();
}

/** A fixed shuffle, so every run sends in the same interleaved order. */
function shuffle<T>(items: T[]): T[] {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe.each<Topology>(['one Redis', 'a Redis Cluster of 3 masters'])('Two app instances sharing %s', (topology) => {
  const run = `${process.pid}-${Date.now()}-${topology.length}`;

  it('handles each of 100 ids exactly once out of 200 concurrent deliveries spread over both', async () => {
    const keyPrefix = `multi-${run}:`;
    // One instance on Express, one on Fastify: the store, not the adapter, decides.
    const [a, b] = [await instance(topology, { keyPrefix }), await instance(topology, { keyPrefix }, 'fastify')];

    // 100 events, each delivered twice, once to each instance. Noyo's second copy is
    // re-signed with another timestamp, as Noyo's retries are; Fullup's is the same request again.
    const ids = Array.from({ length: 100 }, (_, i) => `evt_${run}_${i}`);
    const deliveries = ids.flatMap((id, i) => {
      const event = { id, delayMs: 20 };
      const [first, second] = i < 50 ? [noyo(event, new Date(Date.now() - 30_000)), noyo(event)] : [fullup(event), fullup(event)];
      return i % 2
        ? [
            { to: a, delivery: first },
            { to: b, delivery: second },
          ]
        : [
            { to: b, delivery: first },
            { to: a, delivery: second },
          ];
    });
    const responses = await Promise.all(shuffle(deliveries).map(({ to, delivery }) => send(to, delivery)));

    expect(responses).toHaveLength(200);
    expect(responses.filter(({ status }) => status === 200)).toHaveLength(200);
    expect(responses.filter(({ text }) => text === '')).toHaveLength(100);
    const handled = [...a.log.handled, ...b.log.handled];
    expect(handled).toHaveLength(100);
    expect([...handled].sort()).toEqual([...ids].sort());
    expect([...a.log.attempts, ...b.log.attempts]).toHaveLength(100);
    expect(a.log.handled.length).toBeGreaterThan(0);
    expect(b.log.handled.length).toBeGreaterThan(0);

    const redis = clientOf(topology);
    const keys = await keysOf(redis, `${keyPrefix}*`);
    expect(keys).toHaveLength(100);
    for (const key of keys) expect(key).toMatch(new RegExp(`^${keyPrefix}[\\w-]{22}$`));
    // Each success settles its claim to '1' after the response left, keeping its TTL.
    const settled = async () => (await Promise.all(keys.map((key) => redis.get(key)))).filter((value) => value === '1').length;
    for (let attempt = 0; attempt < 40 && (await settled()) < 100; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await settled()).toBe(100);
    for (const ttl of await Promise.all(keys.map((key) => redis.pttl(key)))) expect(ttl).toBeGreaterThan(0);
  }, 20_000);

  it('refuses deliveries the previous release recorded under its key layout, until those keys are gone', async () => {
    const keyPrefix = `upgrade-${run}:`;
    const redis = clientOf(topology);
    // The previous release's layout, written as it wrote it: <keyPrefix><provider>:<base64url SHA-256 of
    // the delivery id>, the claim token as the value, with a TTL. Noyo's delivery id is `event:<event.id>`.
    const previousKey = (prefix: string, id: string) => `${prefix}noyo:${createHash('sha256').update(`event:${id}`).digest('base64url')}`;
    const ids = Array.from({ length: 10 }, (_, i) => `evt_${run}_recorded_${i}`);
    for (const id of ids) await redis.set(previousKey(keyPrefix, id), randomUUID(), 'PX', 60_000);
    const defaultPrefixed = `evt_${run}_default_prefix`;
    await redis.set(previousKey('webhook-replay:', defaultPrefixed), randomUUID(), 'PX', 60_000);
    const [a, b] = [await instance(topology, { keyPrefix }), await instance(topology, {}, 'fastify')];
    const lapsing = `evt_${run}_lapsing`;
    await redis.set(previousKey(keyPrefix, lapsing), randomUUID(), 'PX', 1000);

    for (const id of [...ids, lapsing]) expect(await send(a, noyo({ id }))).toEqual({ status: 200, text: '' });
    expect(await send(b, noyo({ id: defaultPrefixed }))).toEqual({ status: 200, text: '' });
    expect([...a.log.attempts, ...b.log.attempts]).toEqual([]);
    // A refused claim leaves no key of the new layout behind.
    expect(await keysOf(redis, `${keyPrefix}*`)).toHaveLength(ids.length + 1);

    const fresh = `evt_${run}_fresh`;
    expect((await send(a, noyo({ id: fresh }))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await send(a, noyo({ id: lapsing }))).status).toBe(200);
    expect(await send(a, noyo({ id: lapsing }))).toEqual({ status: 200, text: '' });
    expect(a.log.handled).toEqual([fresh, lapsing]);

    const upgraded = await instance(topology, { keyPrefix, checkPreviousKeys: false });
    expect((await send(upgraded, noyo({ id: ids[0]! }))).status).toBe(200);
    expect(upgraded.log.handled).toEqual([ids[0]]);
  });

  it('runs a SignalWire JSON delivery once, and refuses it back with its SHA-1 in base64, as JSON or as a form', async () => {
    const keyPrefix = `signalwire-${run}:`;
    const [a, b] = [await instance(topology, { keyPrefix }), await instance(topology, { keyPrefix }, 'fastify')];
    const body = JSON.stringify({ id: `evt_${run}_sw` });
    const url = (t: ReplayTestApp) => `${t.baseUrl}/webhooks/signalwire`;
    // The JSON scheme as @signalwire/web-api's validateRequest checks it: hex HMAC-SHA1 of url + body.
    const sha1 = (t: ReplayTestApp) =>
      createHmac('sha1', SECRETS.signalwire)
        .update(url(t) + body)
        .digest('hex');
    const asBase64 = (t: ReplayTestApp) => ({ 'x-signalwire-signature': Buffer.from(sha1(t), 'hex').toString('base64') });

    expect((await post(url(a), body, { 'x-signalwire-signature': sha1(a) })).status).toBe(200);
    expect((await post(url(a), body, asBase64(a))).status).toBe(401);
    // As a form, a JSON body is refused outright: its first name is no plain parameter name.
    expect((await post(url(a), body, { ...asBase64(a), 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(401);
    expect((await post(url(b), body, { 'x-signalwire-signature': sha1(b) })).status).toBe(200);
    expect((await post(url(b), body, { ...asBase64(b), 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(401);
    expect(a.log.attempts).toHaveLength(1);
    expect(b.log.attempts).toHaveLength(1);
  });

  it('runs a delivery again on the other instance after the handler failed, and only then', async () => {
    const keyPrefix = `retry-${run}:`;
    const [a, b] = [await instance(topology, { keyPrefix }), await instance(topology, { keyPrefix }, 'fastify')];
    const id = `evt_${run}_fails`;
    const delivery = fullup({ id, failOnce: true });

    expect((await send(a, delivery)).status).toBe(500);
    expect(await send(b, delivery)).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
    expect(await send(a, delivery)).toEqual({ status: 200, text: '' });
    expect(await send(b, delivery)).toEqual({ status: 200, text: '' });
    expect(a.log.attempts).toEqual([id]);
    expect(a.log.handled).toEqual([]);
    expect(b.log.handled).toEqual([id]);
  });

  it('ties a GitHub body to its first X-GitHub-Event on every instance: after a failure, only the retry under it runs', async () => {
    const keyPrefix = `github-${run}:`;
    const [a, b] = [await instance(topology, { keyPrefix }), await instance(topology, { keyPrefix }, 'fastify')];
    const id = `evt_${run}_github`;
    const body = JSON.stringify({ id, failOnce: true });
    const github = (t: ReplayTestApp, event: string) =>
      post(`${t.baseUrl}/webhooks/github`, body, { ...signWebhook('github', { secret: REPLAY_SECRETS.github, body }), 'x-github-event': event });

    expect((await github(a, 'issues')).status).toBe(500);
    expect(await github(b, 'pull_request')).toEqual({ status: 200, text: '' });
    expect(await github(a, 'push')).toEqual({ status: 200, text: '' });
    expect(await github(b, 'issues')).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
    expect(await github(a, 'issues')).toEqual({ status: 200, text: '' });
    expect([...a.log.attempts, ...b.log.attempts]).toEqual([id, id]);
  });
});

describe('Redis going down mid-run', () => {
  let server: OwnRedisServer;
  afterEach(() => server.stop());

  it('fails closed with 503 and an error log without secrets, fails open only when asked, and recovers', async () => {
    server = await startRedisServer();
    const closed = await instance(server.url);
    const open = await instance(server.url, { failOpen: true });
    expect((await send(closed, fullup({ id: 'before' }))).status).toBe(200);

    await server.stop();
    const during = fullup({ id: 'during' });
    const refused = await send(closed, during);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text)).toEqual({ statusCode: 503, message: 'Webhook replay protection is unavailable', error: 'Service Unavailable' });
    expect(closed.log.handled).toEqual(['before']);
    // Nest's Logger is process-wide: the last app created receives both instances' lines.
    const lines = () => [...closed.logger.lines, ...open.logger.lines];
    const errors = lines()
      .filter(({ level }) => level === 'error')
      .map(({ message }) => message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Replay store failed for 'fullup'; answering 503: /);
    for (const secret of [SECRETS.fullup, during.headers['fullup-signature']!]) expect(errors[0]).not.toContain(secret);

    expect((await send(open, during)).status).toBe(200);
    expect(open.log.handled).toEqual(['during']);
    expect(lines()).toContainEqual({
      level: 'warn',
      message: expect.stringMatching(/^Replay store failed for 'fullup'; handling the webhook unchecked \(failOpen\): /),
    });

    server = await startRedisServer(server.port);
    let status = 0;
    for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
      status = (await send(closed, fullup({ id: 'after' }))).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
    expect(closed.log.handled).toEqual(['before', 'after']);
  });
});
