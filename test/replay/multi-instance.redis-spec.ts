import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisReplayStore, WebhookSecurityModule, type ReplayOptions } from '../../src/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { SECRETS, type Adapter } from '../app/create-app.js';
import { connect, redisUrl, startRedisServer, type OwnRedisServer } from './redis-server.js';
import { REPLAY_SECRETS, createReplayApp, post, type ReplayTestApp } from './replay-app.js';

const clients: Redis[] = [];
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

/** An app instance whose replay store is the Redis at `url`. */
async function instance(url: string, replay: ReplayOptions = {}, adapter: Adapter = 'express'): Promise<ReplayTestApp> {
  const t = await createReplayApp(
    WebhookSecurityModule.forRoot({
      replay: { store: new RedisReplayStore(client(url)), ...replay },
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

/** A fixed shuffle, so every run sends in the same interleaved order. */
function shuffle<T>(items: T[]): T[] {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe('Two app instances sharing one Redis', () => {
  const run = `${process.pid}-${Date.now()}`;

  it('handles each of 100 ids exactly once out of 200 concurrent deliveries spread over both', async () => {
    const keyPrefix = `multi-${run}:`;
    // One instance on Express, one on Fastify: the store, not the adapter, decides.
    const [a, b] = [await instance(redisUrl(), { keyPrefix }), await instance(redisUrl(), { keyPrefix }, 'fastify')];

    // 100 events, each delivered twice, once to each instance. Noyo's second copy is
    // re-signed with another timestamp, as Noyo's retries are; Fullup's is the same request again.
    const ids = Array.from({ length: 100 }, (_, i) => `evt_${run}_${i}`);
    const deliveries = ids.flatMap((id, i) => {
      const event = { id, delayMs: 20 };
      const [first, second] = i < 50 ? [noyo(event, new Date(Date.now() - 30_000)), noyo(event)] : [fullup(event), fullup(event)];
      return i % 2 ? [{ to: a, delivery: first }, { to: b, delivery: second }] : [{ to: b, delivery: first }, { to: a, delivery: second }];
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

    const keys = await client(redisUrl()).keys(`${keyPrefix}*`);
    expect(keys).toHaveLength(100);
    for (const key of keys) expect(key).toMatch(new RegExp(`^${keyPrefix}(noyo|fullup):[\\w-]{43}$`));
  });

  it('runs a SignalWire JSON delivery once when it comes back with its SHA-1 in base64, as JSON or as a form', async () => {
    const keyPrefix = `signalwire-${run}:`;
    const [a, b] = [await instance(redisUrl(), { keyPrefix }), await instance(redisUrl(), { keyPrefix }, 'fastify')];
    const body = JSON.stringify({ id: `evt_${run}_sw` });
    const url = (t: ReplayTestApp) => `${t.baseUrl}/webhooks/signalwire`;
    // The JSON scheme as @signalwire/web-api's validateRequest checks it: hex HMAC-SHA1 of url + body.
    const sha1 = (t: ReplayTestApp) => createHmac('sha1', SECRETS.signalwire).update(url(t) + body).digest('hex');
    const asBase64 = (t: ReplayTestApp) => ({ 'x-signalwire-signature': Buffer.from(sha1(t), 'hex').toString('base64') });

    expect((await post(url(a), body, { 'x-signalwire-signature': sha1(a) })).status).toBe(200);
    expect((await post(url(a), body, asBase64(a))).status).toBe(401);
    expect(await post(url(a), body, { ...asBase64(a), 'content-type': 'application/x-www-form-urlencoded' })).toEqual({ status: 200, text: '' });
    expect((await post(url(b), body, { 'x-signalwire-signature': sha1(b) })).status).toBe(200);
    expect(await post(url(b), body, { ...asBase64(b), 'content-type': 'application/x-www-form-urlencoded' })).toEqual({ status: 200, text: '' });
    expect(a.log.attempts).toHaveLength(1);
    expect(b.log.attempts).toHaveLength(1);
  });

  it('runs a delivery again on the other instance after the handler failed, and only then', async () => {
    const keyPrefix = `retry-${run}:`;
    const [a, b] = [await instance(redisUrl(), { keyPrefix }), await instance(redisUrl(), { keyPrefix })];
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
    const errors = lines().filter(({ level }) => level === 'error').map(({ message }) => message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Replay store failed for 'fullup'; answering 503: /);
    for (const secret of [SECRETS.fullup, during.headers['fullup-signature']!]) expect(errors[0]).not.toContain(secret);

    expect((await send(open, during)).status).toBe(200);
    expect(open.log.handled).toEqual(['during']);
    expect(lines()).toContainEqual({ level: 'warn', message: expect.stringMatching(/^Replay store failed for 'fullup'; handling the webhook unchecked \(failOpen\): /) });

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
