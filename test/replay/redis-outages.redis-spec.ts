import type { Cluster, Redis } from 'ioredis';
import { FullupVerifier, RedisReplayStore, WebhookSecurityModule, type ReplayOptions, type ReplayStore } from '../../src/index.js';
import { previousReplayKey, replayKey } from '../../src/replay/webhook-delivery.js';
import { signWebhook } from '../../src/testing/index.js';
import { connect, connectCluster, redisUrl, startRedisCluster, startRedisServer, type OwnRedisCluster, type OwnRedisServer } from './redis-server.js';
import { REPLAY_SECRETS as SECRETS, createReplayApp, post, type ReplayTestApp } from './replay-app.js';

const clients: (Redis | Cluster)[] = [];
const apps: ReplayTestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map(({ app }) => app.close()));
  for (const client of clients.splice(0)) client.disconnect();
});

/** A client of the test's own; errors while a server is down or paused are expected. */
function track<T extends Redis | Cluster>(client: T): T {
  client.on('error', () => {});
  clients.push(client);
  return client;
}

async function instance(store: ReplayStore, replay: ReplayOptions = {}): Promise<ReplayTestApp> {
  const providers = Object.fromEntries(Object.entries(SECRETS).map(([name, secret]) => [name, { secret }]));
  const t = await createReplayApp(WebhookSecurityModule.forRoot({ replay: { store, ...replay }, providers }));
  apps.push(t);
  return t;
}

const run = `${process.pid}-${Date.now()}`;
const bodyOf = (id: string, extra: object = {}) => JSON.stringify({ id, ...extra });
const send = (t: ReplayTestApp, body: string) => post(`${t.baseUrl}/webhooks/fullup`, body, signWebhook('fullup', { secret: SECRETS.fullup, body }));
const handled = (id: string) => JSON.stringify({ handled: id });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errorLines = (t: ReplayTestApp) => t.logger.lines.filter(({ level }) => level === 'error').map(({ message }) => message);

describe('Releasing on a real Redis', () => {
  it('releases before the failure response is sent: a retry sent the moment it arrives runs, 100 times out of 100', async () => {
    const t = await instance(new RedisReplayStore(track(connect(redisUrl()))), { keyPrefix: `release-${run}:` });
    const outcomes: string[] = [];
    for (let i = 0; i < 100; i++) {
      const id = `evt_${run}_release_${i}`;
      const body = bodyOf(id, { failOnce: true });
      const failure = await send(t, body);
      const retry = await send(t, body);
      outcomes.push(`${failure.status} ${retry.status} ${retry.text === handled(id)}`);
    }
    expect(outcomes).toEqual(Array.from({ length: 100 }, () => '500 200 true'));
  }, 60_000);
});

describe('A Redis that hangs (CLIENT PAUSE)', () => {
  let server: OwnRedisServer;
  afterEach(() => server.stop());

  it('answers 503 after claimTimeoutMs, or runs unchecked under failOpen, and releases the claims that land late', async () => {
    server = await startRedisServer();
    // No commandTimeout: the client waits as long as the server does; only claimTimeoutMs bounds the request.
    const closed = await instance(new RedisReplayStore(track(connect(server.url))), { claimTimeoutMs: 300 });
    const open = await instance(new RedisReplayStore(track(connect(server.url))), { claimTimeoutMs: 300, failOpen: true });
    expect((await send(closed, bodyOf('before'))).status).toBe(200);

    const pauseMs = 2000;
    await track(connect(server.url)).client('PAUSE', pauseMs, 'ALL');
    const pausedAt = Date.now();
    const [refused, unchecked] = await Promise.all([send(closed, bodyOf('during')), send(open, bodyOf('unchecked'))]);
    expect(Date.now() - pausedAt).toBeLessThan(pauseMs);
    expect(refused.status).toBe(503);
    expect(unchecked).toEqual({ status: 200, text: handled('unchecked') });
    const lines = [...closed.logger.lines, ...open.logger.lines];
    expect(lines.filter(({ level }) => level === 'error')).toEqual([
      { level: 'error', message: "Replay store failed for 'fullup'; answering 503: TimeoutError: no answer within 300 ms" },
    ]);
    expect(lines).toContainEqual({
      level: 'warn',
      message: "Replay store failed for 'fullup'; handling the webhook unchecked (failOpen): TimeoutError: no answer within 300 ms",
    });

    // Once the pause ends, the queued claim lands and is released: the sender's retry of the 503 runs.
    await sleep(pauseMs - (Date.now() - pausedAt) + 300);
    expect(await send(closed, bodyOf('during'))).toEqual({ status: 200, text: handled('during') });
    expect(closed.log.handled).toEqual(['before', 'during']);
  }, 30_000);
});

describe('A Redis Cluster master going down mid-run', () => {
  let cluster: OwnRedisCluster;
  afterEach(() => cluster.stop());

  it('answers 503 with one error log for the keys it serves, serves the others, and recovers once it is back', async () => {
    cluster = await startRedisCluster();
    const keyPrefix = `outage-${run}:`;
    const t = await instance(new RedisReplayStore(track(connectCluster(cluster.nodes))), { keyPrefix, claimTimeoutMs: 500 });
    expect((await send(t, bodyOf('warm-up'))).status).toBe(200);

    // Pick deliveries whose keys the stopped master serves, and others, by asking the cluster for each key's slot.
    // Until checkPreviousKeys is off, a claim also reads the delivery's key of the previous layout, which
    // may sit on another master: one whose previous key the stopped master serves fails closed as well.
    const [down, up] = [cluster.nodes[1]!.port, cluster.nodes[0]!.port];
    const [first, last] = cluster.slots.get(down)!;
    const admin = track(connect(`redis://127.0.0.1:${up}`));
    const verifier = new FullupVerifier();
    const onDown: string[] = [];
    const previousOnDown: string[] = [];
    const elsewhere: string[] = [];
    const served = async (key: string) => {
      const slot = Number(await admin.cluster('KEYSLOT', key));
      return slot >= first && slot <= last;
    };
    for (let i = 0; onDown.length < 4 || previousOnDown.length < 2 || elsewhere.length < 4; i++) {
      const id = `evt_${run}_outage_${i}`;
      const deliveryId = verifier.deliveryId({ rawBody: Buffer.from(bodyOf(id)), headers: {}, url: '' })!;
      const [key, previous] = [replayKey(keyPrefix, 'fullup', deliveryId), previousReplayKey(keyPrefix, 'fullup', deliveryId)];
      const [list, size] = (await served(key)) ? [onDown, 4] : (await served(previous)) ? [previousOnDown, 2] : [elsewhere, 4];
      if (list.length < size) list.push(id);
    }

    await cluster.stopNode(down);
    const statuses = new Map<string, number>();
    for (const id of [...onDown, ...previousOnDown, ...elsewhere]) statuses.set(id, (await send(t, bodyOf(id))).status);
    expect(onDown.map((id) => statuses.get(id))).toEqual([503, 503, 503, 503]);
    expect(previousOnDown.map((id) => statuses.get(id))).toEqual([503, 503]);
    expect(elsewhere.map((id) => statuses.get(id))).toEqual([200, 200, 200, 200]);
    const errors = errorLines(t);
    expect(errors).toHaveLength(6);
    for (const message of errors) expect(message).toMatch(/^Replay store failed for 'fullup'; answering 503: /);

    await cluster.restartNode(down);
    // A claim whose previous-key check failed was taken back: the retry runs.
    for (const id of [...onDown, ...previousOnDown]) {
      let response = await send(t, bodyOf(id));
      for (let attempt = 0; attempt < 100 && response.status !== 200; attempt++) {
        await sleep(100);
        response = await send(t, bodyOf(id));
      }
      expect(response).toEqual({ status: 200, text: handled(id) });
    }
    for (const id of elsewhere) expect(await send(t, bodyOf(id))).toEqual({ status: 200, text: '' });
    expect([...t.log.handled].sort()).toEqual(['warm-up', ...onDown, ...previousOnDown, ...elsewhere].sort());
  }, 60_000);
});
