import diagnosticsChannel from 'node:diagnostics_channel';
import { request } from 'node:http';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import {
  MemoryReplayStore,
  WebhookSecurityModule,
  WebhookSignatureGuard,
  type ReplayOptions,
  type ReplayStore,
  type WebhookReplayMessage,
  type WebhookSecurityModuleOptions,
  type WebhookVerifier,
} from '../../src/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { ADAPTERS } from '../app/create-app.js';
import {
  BothLevelsReplayController,
  REPLAY_SECRETS as SECRETS,
  ReplayWebhooksController,
  createReplayApp,
  failedOnce,
  post,
  type ReplayTestApp,
} from './replay-app.js';

/** A memory store whose claims and releases take a while (a release may never answer), as a store over the network does; it counts them. */
class SlowStore implements ReplayStore {
  readonly inner = new MemoryReplayStore();
  claims = 0;
  releases = 0;
  constructor(
    private readonly claimMs = 0,
    private readonly releaseMs = 0,
  ) {}

  async claim(key: string, token: string, ttlMs: number): Promise<boolean> {
    this.claims++;
    if (this.claimMs) await new Promise((resolve) => setTimeout(resolve, this.claimMs));
    return this.inner.claim(key, token, ttlMs);
  }

  async release(key: string, token: string): Promise<void> {
    this.releases++;
    if (this.releaseMs === Infinity) await new Promise(() => {});
    if (this.releaseMs) await new Promise((resolve) => setTimeout(resolve, this.releaseMs));
    return this.inner.release(key, token);
  }
}

/** A store that answers no claim, like a Redis that hangs, until told to; then it answers every claim. */
class HangingStore implements ReplayStore {
  private readonly pending: (() => void)[] = [];
  private answering = false;
  readonly inner = new MemoryReplayStore();

  claim(key: string, token: string, ttlMs: number): Promise<boolean> {
    if (this.answering) return this.inner.claim(key, token, ttlMs);
    return new Promise((resolve) => this.pending.push(() => resolve(this.inner.claim(key, token, ttlMs))));
  }

  /** Set to make every release fail, as a store whose connection dropped would. */
  failRelease = false;

  release(key: string, token: string): Promise<void> {
    if (this.failRelease) return Promise.reject(new Error('Connection is closed.'));
    return this.inner.release(key, token);
  }

  /** Lets every claim waiting so far reach the store, late, and answers those to come. */
  answer(): void {
    this.answering = true;
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

let n = 0;
const eventId = () => `evt_outcome_${process.pid}_${n++}`;

describe.each(ADAPTERS)('Replay outcomes on %s', (adapter) => {
  let t: ReplayTestApp;
  afterEach(() => t?.app.close());

  const start = async (replay: ReplayOptions | undefined, options: Partial<WebhookSecurityModuleOptions> = {}) => {
    const providers = Object.fromEntries(Object.entries(SECRETS).map(([name, secret]) => [name, { secret }]));
    t = await createReplayApp(WebhookSecurityModule.forRoot({ providers, replay, ...options }), adapter);
    return t;
  };
  /** Posts `event` to `path`, signed as Fullup signs it. */
  const deliver = (path: string, event: object) => {
    const body = JSON.stringify(event);
    return post(`${t.baseUrl}${path}`, body, signWebhook('fullup', { secret: SECRETS.fullup, body }));
  };
  const handled = (id: string) => JSON.stringify({ handled: id });

  /** A claim the store answers only after claimTimeoutMs: 503, the late claim released, then the retry runs. */
  const timedOutThenRetried = async () => {
    const store = new HangingStore();
    await start({ store, claimTimeoutMs: 100 });
    const id = eventId();
    expect((await deliver('/webhooks/fullup', { id })).status).toBe(503);
    store.answer();
    await until(() => store.inner.size === 0);
    expect(await deliver('/webhooks/fullup', { id })).toEqual({ status: 200, text: handled(id) });
  };

  describe('the claim is kept only when the response is a 2xx', () => {
    it('releases it when the handler throws an HttpException, so the retry runs', async () => {
      await start({});
      const id = eventId();
      const first = await deliver('/outcomes/http-exception', { id, status: 422 });
      expect(first.status).toBe(422);
      expect(await deliver('/outcomes/http-exception', { id, status: 422 })).toEqual({ status: 200, text: handled(id) });
      expect(await deliver('/outcomes/http-exception', { id, status: 422 })).toEqual({ status: 200, text: '' });
      expect(t.log.attempts).toEqual([id, id]);
    });

    it('releases it when the handler completes with a 5xx set by @HttpCode', async () => {
      await start({});
      const id = eventId();
      expect((await deliver('/outcomes/http-code-503', { id })).status).toBe(503);
      expect((await deliver('/outcomes/http-code-503', { id })).status).toBe(503);
      expect(t.log.handled).toEqual([id, id]);
    });

    it('keeps it for a 2xx other than 200 (@HttpCode(202))', async () => {
      await start({});
      const id = eventId();
      expect(await deliver('/outcomes/accepted', { id })).toEqual({ status: 202, text: handled(id) });
      expect(await deliver('/outcomes/accepted', { id })).toEqual({ status: 200, text: '' });
      expect(t.log.handled).toEqual([id]);
    });

    it.each([400, 500, 302])('releases it when the handler answers %i through @Res()', async (status) => {
      await start({});
      const id = eventId();
      expect(await deliver('/outcomes/res', { id, status })).toEqual({ status, text: `status ${status}` });
      expect(await deliver('/outcomes/res', { id, status: 200 })).toEqual({ status: 200, text: 'status 200' });
      expect(t.log.handled).toEqual([id, id]);
    });

    it('keeps it when the handler answers 200 through @Res()', async () => {
      await start({});
      const id = eventId();
      expect(await deliver('/outcomes/res', { id, status: 200 })).toEqual({ status: 200, text: 'status 200' });
      expect(await deliver('/outcomes/res', { id, status: 200 })).toEqual({ status: 200, text: '' });
      expect(t.log.handled).toEqual([id]);
    });

    it('releases it when a pipe rejects the request before the handler runs', async () => {
      await start({});
      const id = eventId();
      const body = JSON.stringify({ id });
      const headers = signWebhook('fullup', { secret: SECRETS.fullup, body });
      expect((await post(`${t.baseUrl}/outcomes/pipe?n=abc`, body, headers)).status).toBe(400);
      expect(t.log.attempts).toEqual([]);
      expect(await post(`${t.baseUrl}/outcomes/pipe?n=1`, body, headers)).toEqual({ status: 200, text: handled(id) });
      expect(await post(`${t.baseUrl}/outcomes/pipe?n=1`, body, headers)).toEqual({ status: 200, text: '' });
    });

    it('releases before the failure response is sent: a retry sent the moment it arrives runs, 100 times out of 100', async () => {
      const store = new SlowStore(0, 5);
      await start({ store });
      const outcomes: string[] = [];
      for (let i = 0; i < 100; i++) {
        const id = eventId();
        const failure = await deliver('/webhooks/fullup', { id, failOnce: true });
        const retry = await deliver('/webhooks/fullup', { id, failOnce: true });
        outcomes.push(`${failure.status} ${retry.status} ${retry.text === handled(id)}`);
      }
      expect(outcomes).toEqual(Array.from({ length: 100 }, () => '500 200 true'));
      expect(store.releases).toBe(100);
    }, 60_000);

    it('keeps it when the client disconnects and the handler then succeeds', async () => {
      await start({});
      const id = eventId();
      await disconnectDuring(`${t.baseUrl}/webhooks/fullup`, { id, delayMs: 150 });
      await until(() => t.log.handled.includes(id));
      expect(await deliver('/webhooks/fullup', { id, delayMs: 150 })).toEqual({ status: 200, text: '' });
      expect(t.log.attempts).toEqual([id]);
    });

    it('releases it when the client disconnects and the handler then fails', async () => {
      await start({});
      const id = eventId();
      await disconnectDuring(`${t.baseUrl}/webhooks/fullup`, { id, delayMs: 150, failOnce: true });
      await until(() => failedOnce.has(id));
      expect(await deliver('/webhooks/fullup', { id, delayMs: 150, failOnce: true })).toEqual({ status: 200, text: handled(id) });
    });
  });

  describe('one claim per delivery', () => {
    it('claims once, and releases nothing, for a success with @VerifiedWebhook on the controller and on the method', async () => {
      const store = new SlowStore();
      await start({ store });
      const id = eventId();
      expect(await deliver('/both-levels', { id })).toEqual({ status: 200, text: handled(id) });
      expect([store.claims, store.releases]).toEqual([1, 0]);
      expect(await deliver('/both-levels', { id })).toEqual({ status: 200, text: '' });
      expect([store.claims, store.releases]).toEqual([2, 0]);
    });

    it('claims once and releases once for a failure', async () => {
      const store = new SlowStore();
      await start({ store });
      expect((await deliver('/webhooks/fullup', { id: eventId(), failOnce: true })).status).toBe(500);
      expect([store.claims, store.releases]).toEqual([1, 1]);
    });

    it("answers 409 to a duplicate with onDuplicate: 'conflict', without running the handler", async () => {
      await start({ onDuplicate: 'conflict' });
      const id = eventId();
      await deliver('/webhooks/fullup', { id });
      expect((await deliver('/webhooks/fullup', { id })).status).toBe(409);
      expect(t.log.attempts).toEqual([id]);
    });
  });

  describe('claimTimeoutMs', () => {
    it('answers 503 with an error log when the store does not answer a claim in time', async () => {
      const store = new HangingStore();
      await start({ store, claimTimeoutMs: 100 });
      const id = eventId();
      const response = await deliver('/webhooks/fullup', { id });
      expect(response.status).toBe(503);
      expect(JSON.parse(response.text)).toMatchObject({ message: 'Webhook replay protection is unavailable' });
      expect(t.log.attempts).toEqual([]);
      expect(t.logger.lines.filter(({ level }) => level === 'error')).toEqual([
        { level: 'error', message: "Replay store failed for 'fullup'; answering 503: TimeoutError: no answer within 100 ms" },
      ]);
    });

    it('releases a claim that lands after its time-out, so the retry of the 503 runs', async () => {
      await timedOutThenRetried();
    });

    it('keeps a claim the store answered in time once claimTimeoutMs has passed', async () => {
      const store = new SlowStore();
      await start({ store, claimTimeoutMs: 50 });
      const id = eventId();
      expect(await deliver('/webhooks/fullup', { id })).toEqual({ status: 200, text: handled(id) });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await deliver('/webhooks/fullup', { id })).toEqual({ status: 200, text: '' });
      expect([store.claims, store.releases]).toEqual([2, 0]);
      expect(t.log.attempts).toEqual([id]);
    });

    it('runs the handler unchecked, with a warning, under failOpen', async () => {
      await start({ store: new HangingStore(), claimTimeoutMs: 100, failOpen: true });
      const id = eventId();
      expect(await deliver('/webhooks/fullup', { id })).toEqual({ status: 200, text: handled(id) });
      expect(t.logger.lines).toContainEqual({
        level: 'warn',
        message: "Replay store failed for 'fullup'; handling the webhook unchecked (failOpen): TimeoutError: no answer within 100 ms",
      });
    });

    it('sends the failure response once a release has waited claimTimeoutMs, with an error log', async () => {
      const store = new SlowStore(0, Infinity);
      await start({ store, claimTimeoutMs: 100 });
      expect((await deliver('/webhooks/fullup', { id: eventId(), failOnce: true })).status).toBe(500);
      expect(t.logger.lines).toContainEqual({
        level: 'error',
        message: expect.stringMatching(
          /^Replay store failed to release a failed delivery from 'fullup' \(whr:[\w-]{22}\); its retries count as duplicates until the claim expires: TimeoutError: no answer within 100 ms$/,
        ),
      });
    });

    it.each([0, -1, Number.NaN, 2 ** 31])('stops startup on claimTimeoutMs: %p', async (claimTimeoutMs) => {
      await expect(start({ claimTimeoutMs })).rejects.toThrow(/'trophy': replay\.claimTimeoutMs must be a positive number of milliseconds/);
    });
  });

  describe('on the replay diagnostics channel', () => {
    const channel = diagnosticsChannel.channel('nestjs-webhook-security:replay');
    let messages: WebhookReplayMessage[];
    const record = (message: unknown) => messages.push(message as WebhookReplayMessage);
    beforeEach(() => {
      messages = [];
      channel.subscribe(record);
    });
    afterEach(() => channel.unsubscribe(record));
    const decisions = () => messages.map(({ decision, operation, errorType }) => [decision, operation, errorType].filter(Boolean).join(' '));
    const errors = () => t.logger.lines.filter(({ level }) => level === 'error').map(({ message }) => message);

    it('publishes store_timeout for a claim not answered in time, and nothing for the late claim it then releases', async () => {
      await timedOutThenRetried();
      expect(decisions()).toEqual(['store_timeout claim ReplayStoreTimeoutError', 'claimed claim']);
      expect(messages[0]).toMatchObject({ provider: 'fullup', failOpen: false, hasDeliveryId: true });
      expect(errors()).toEqual(["Replay store failed for 'fullup'; answering 503: TimeoutError: no answer within 100 ms"]);
    });

    it('publishes store_error for a release that failed', async () => {
      const store = new HangingStore();
      store.answer();
      store.failRelease = true;
      await start({ store });
      expect((await deliver('/webhooks/fullup', { id: eventId(), failOnce: true })).status).toBe(500);
      expect(decisions()).toEqual(['claimed claim', 'store_error release Error']);
    });

    it('logs a late claim whose release failed', async () => {
      const store = new HangingStore();
      store.failRelease = true;
      await start({ store, claimTimeoutMs: 100 });
      expect((await deliver('/webhooks/fullup', { id: eventId() })).status).toBe(503);
      store.answer();
      await until(() => errors().length === 2);
      expect(errors()[1]).toMatch(
        /^Replay store failed to release a failed delivery from 'fullup' \(whr:[\w-]{22}\); its retries count as duplicates until the claim expires: Error$/,
      );
      expect(decisions()).toEqual(['store_timeout claim ReplayStoreTimeoutError']);
    });

    it('publishes no_delivery_id for a delivery without an id', async () => {
      const verifier: WebhookVerifier = { verify: () => ({ verified: true }), deliveryId: () => undefined };
      const providers = Object.fromEntries(Object.entries(SECRETS).map(([name, secret]) => [name, { secret }]));
      await start({}, { providers: { ...providers, fullup: { secret: 's', verifier } } });
      expect((await deliver('/webhooks/fullup', { id: eventId() })).status).toBe(200);
      expect(messages).toEqual([expect.objectContaining({ provider: 'fullup', decision: 'no_delivery_id', hasDeliveryId: false })]);
    });
  });

  describe('with replay off', () => {
    it('attaches no interceptor, and the guard answers synchronously for fixed secrets and a body already read', async () => {
      await start(undefined);
      for (const target of [ReplayWebhooksController.prototype.fullup, BothLevelsReplayController, BothLevelsReplayController.prototype.handle]) {
        expect(Reflect.getMetadata(INTERCEPTORS_METADATA, target)).toBeUndefined();
      }

      const guard = t.app.get(WebhookSignatureGuard, { strict: false });
      const body = JSON.stringify({ id: eventId() });
      const headers = signWebhook('fullup', { secret: SECRETS.fullup, body });
      const contextOf = (rawBody: Buffer) => {
        const request = { method: 'POST', url: '/webhooks/fullup', protocol: 'http', headers, rawBody };
        const context = new ExecutionContextHost([request, {}, undefined], ReplayWebhooksController, ReplayWebhooksController.prototype.fullup);
        context.setType('http');
        return context;
      };
      expect(guard.canActivate(contextOf(Buffer.from(body)))).toBe(true);
      expect(() => guard.canActivate(contextOf(Buffer.from(body + ' ')))).toThrow('Invalid webhook signature');
    });
  });
});

/** Sends `event` signed as Fullup and closes the connection before the answer. */
function disconnectDuring(url: string, event: object): Promise<void> {
  const body = JSON.stringify(event);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...signWebhook('fullup', { secret: SECRETS.fullup, body }),
  };
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers, agent: false });
    req.on('error', () => resolve());
    req.end(body, () => setTimeout(() => req.destroy(), 50));
  });
}

/** Waits until `condition` holds, for at most 5 s. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 5000) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
