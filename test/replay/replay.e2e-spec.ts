import { createHash, randomUUID } from 'node:crypto';
import { sign as githubSign } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import {
  MemoryReplayStore,
  ReplayStore,
  WebhookSecurityModule,
  type ReplayOptions,
  type WebhookSecurityModuleOptions,
  type WebhookVerifier,
} from '../../src/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { ADAPTERS } from '../app/create-app.js';
import { REPLAY_SECRETS as SECRETS, createReplayApp, failedOnce, post, type ReplayTestApp } from './replay-app.js';

type Vendor = keyof typeof SECRETS;

const providers = (replay?: Partial<Record<Vendor, ReplayOptions | false>>): WebhookSecurityModuleOptions['providers'] =>
  Object.fromEntries(Object.entries(SECRETS).map(([name, secret]) => [name, { secret, replay: replay?.[name as Vendor] }]));

/** A store that records the keys it is given and can be made to fail. */
class RecordingStore implements ReplayStore {
  readonly keys: string[] = [];
  /** The TTL of each claim, in claim order. */
  readonly ttls: number[] = [];
  failClaim = false;
  failRelease = false;
  private readonly inner = new MemoryReplayStore();

  async claim(key: string, token: string, ttlMs: number): Promise<boolean> {
    this.keys.push(key);
    this.ttls.push(ttlMs);
    // A client's error may quote its connection string, password included.
    if (this.failClaim) throw Object.assign(new Error('connect ECONNREFUSED redis://:store-password@10.0.0.5:6379'), { code: 'ECONNREFUSED' });
    return this.inner.claim(key, token, ttlMs);
  }

  async release(key: string, token: string): Promise<void> {
    if (this.failRelease) throw new Error('Connection to redis://:store-password@10.0.0.5:6379 is closed.');
    return this.inner.release(key, token);
  }
}

/** A memory store that records which keys were claimed (and the previous layout's key checked), settled and released. */
class SettlingStore extends MemoryReplayStore {
  readonly keys: string[] = [];
  readonly previousKeys: (string | undefined)[] = [];
  readonly settled: string[] = [];
  readonly released: string[] = [];

  override claim(key: string, token: string, ttlMs: number, previousKey?: string): Promise<boolean> {
    this.keys.push(key);
    this.previousKeys.push(previousKey);
    return super.claim(key, token, ttlMs, previousKey);
  }

  override release(key: string, token: string): Promise<void> {
    this.released.push(key);
    return super.release(key, token);
  }

  override settle(key: string, token: string): Promise<void> {
    this.settled.push(key);
    return super.settle(key, token);
  }
}

/** A memory store whose settle() fails, as a store whose connection dropped after the claim would. */
class UnsettlingStore extends MemoryReplayStore {
  override settle(): Promise<void> {
    return Promise.reject(new Error('Connection to redis://:store-password@10.0.0.5:6379 is closed.'));
  }
}

let n = 0;
const eventId = () => `evt_${process.pid}_${n++}`;

describe.each(ADAPTERS)('Replay protection on %s', (adapter) => {
  let t: ReplayTestApp;
  afterEach(() => t?.app.close());

  const start = async (options: Partial<WebhookSecurityModuleOptions> & { providers?: WebhookSecurityModuleOptions['providers'] }) => {
    t = await createReplayApp(WebhookSecurityModule.forRoot({ providers: providers(), ...options }), adapter);
    return t;
  };
  const url = (vendor: Vendor) => `${t.baseUrl}/webhooks/${vendor}`;
  const signed = (vendor: Vendor, body: string, timestamp?: Date) => signWebhook(vendor, { secret: SECRETS[vendor], body, url: url(vendor), timestamp });
  const deliver = (vendor: Vendor, body: string, headers = signed(vendor, body)) => post(url(vendor), body, headers);

  describe('off (the default)', () => {
    it('runs the handler for every delivery of the same signed request', async () => {
      await start({});
      const body = JSON.stringify({ id: eventId() });
      const headers = signed('fullup', body);
      expect((await deliver('fullup', body, headers)).status).toBe(200);
      expect((await deliver('fullup', body, headers)).status).toBe(200);
      expect(t.log.handled).toHaveLength(2);
    });

    it('is turned off for one provider with replay: false', async () => {
      await start({ replay: {}, providers: providers({ trophy: false }) });
      const body = JSON.stringify({ id: eventId() });
      const headers = signed('trophy', body);
      await deliver('trophy', body, headers);
      await deliver('trophy', body, headers);
      expect(t.log.handled).toHaveLength(2);
    });
  });

  describe('with the in-memory store', () => {
    it('runs the first delivery and answers a duplicate 200 with an empty body, without the handler', async () => {
      await start({ replay: {} });
      const id = eventId();
      const body = JSON.stringify({ id });
      const headers = signed('fullup', body);
      expect(await deliver('fullup', body, headers)).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
      expect(await deliver('fullup', body, headers)).toEqual({ status: 200, text: '' });
      expect(t.log.attempts).toEqual([id]);
      expect(t.logger.lines).toContainEqual({
        level: 'log',
        message: expect.stringMatching(/^Duplicate webhook from 'fullup' \(whr:[\w-]{22}\): handler not run$/),
      });
    });

    it('keeps providers apart: the same delivery id from two providers runs both handlers', async () => {
      await start({ replay: {} });
      // Both schemes sign the body alone, so both read the delivery id from a hash of it.
      const body = JSON.stringify({ id: eventId() });
      expect((await deliver('fullup', body)).status).toBe(200);
      expect((await deliver('trophy', body)).status).toBe(201);
      expect(t.log.handled).toHaveLength(2);
    });

    it('answers a duplicate 200 even on a route whose own status is 201', async () => {
      await start({ replay: {} });
      const body = JSON.stringify({ id: eventId() });
      const headers = signed('trophy', body);
      expect((await deliver('trophy', body, headers)).status).toBe(201);
      expect(await deliver('trophy', body, headers)).toEqual({ status: 200, text: '' });
      expect(t.log.handled).toHaveLength(1);
    });

    it("answers 409 with onDuplicate: 'conflict', set per provider over the module's default", async () => {
      await start({ replay: {}, providers: providers({ fullup: { onDuplicate: 'conflict' } }) });
      const body = JSON.stringify({ id: eventId() });
      const headers = signed('fullup', body);
      expect((await deliver('fullup', body, headers)).status).toBe(200);
      const duplicate = await deliver('fullup', body, headers);
      expect(duplicate.status).toBe(409);
      expect(JSON.parse(duplicate.text)).toEqual({ statusCode: 409, message: 'Duplicate webhook delivery', error: 'Conflict' });
      expect(await deliver('trophy', JSON.stringify({ id: 'x' }), signed('trophy', JSON.stringify({ id: 'x' })))).toMatchObject({ status: 201 });
      expect(t.log.handled).toHaveLength(2);
    });

    it('releases the claim when the handler throws, so the retry runs; a later duplicate does not', async () => {
      await start({ replay: {} });
      const id = eventId();
      const body = JSON.stringify({ id, failOnce: true });
      const headers = signed('fullup', body);
      expect((await deliver('fullup', body, headers)).status).toBe(500);
      expect(await deliver('fullup', body, headers)).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
      expect(await deliver('fullup', body, headers)).toEqual({ status: 200, text: '' });
      expect(failedOnce.has(id)).toBe(true);
      expect(t.log.attempts).toEqual([id, id]);
      expect(t.log.handled).toEqual([id]);
    });

    describe("a GitHub body, tied to the X-GitHub-Event it first came with (outside GitHub's signature)", () => {
      const github = async (body: string, event: string) =>
        deliver('github', body, { 'x-hub-signature-256': await githubSign(SECRETS.github, body), 'x-github-event': event });

      it("runs the sender's retry of a failed delivery, which repeats its header, and nothing under another header", async () => {
        await start({ replay: {} });
        const id = eventId();
        const body = JSON.stringify({ id, failOnce: true });
        expect((await github(body, 'issues')).status).toBe(500);
        expect(await github(body, 'pull_request')).toEqual({ status: 200, text: '' });
        expect(await github(body, 'issues')).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
        expect(await github(body, 'issues')).toEqual({ status: 200, text: '' });
        expect(await github(body, 'pull_request')).toEqual({ status: 200, text: '' });
        expect(t.log.attempts).toEqual([id, id]);
      });

      it('refuses the body under another header with 409 when onDuplicate is conflict, and logs it without the header values', async () => {
        await start({ replay: { onDuplicate: 'conflict' } });
        const body = JSON.stringify({ id: eventId(), failOnce: true });
        expect((await github(body, 'issues')).status).toBe(500);
        expect((await github(body, 'secret_event_name')).status).toBe(409);
        expect(t.logger.lines).toContainEqual({
          level: 'warn',
          message: expect.stringMatching(
            /^Webhook from 'github' \(whr:[\w-]{22}\) repeats a signed body first received under another event type header: handler not run$/,
          ),
        });
        expect(JSON.stringify(t.logger.lines)).not.toContain('secret_event_name');
      });

      it('counts a body first sent without the header as tied to no header', async () => {
        await start({ replay: {} });
        const id = eventId();
        const body = JSON.stringify({ id, failOnce: true });
        const headers = { 'x-hub-signature-256': await githubSign(SECRETS.github, body) };
        expect((await deliver('github', body, headers)).status).toBe(500);
        expect(await github(body, 'issues')).toEqual({ status: 200, text: '' });
        expect(await deliver('github', body, headers)).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
      });

      it('ties nothing for a sender whose event type is signed: one key per delivery', async () => {
        const store = new SettlingStore();
        await start({ replay: { store } });
        await deliver('stripe', JSON.stringify({ id: eventId() }));
        await github(JSON.stringify({ id: eventId() }), 'issues');
        expect(store.keys).toHaveLength(4);
        expect(new Set(store.keys).size).toBe(4);
      });
    });

    it('runs the handler once for 20 concurrent deliveries of one request', async () => {
      await start({ replay: {} });
      const id = eventId();
      const body = JSON.stringify({ id, delayMs: 50 });
      const headers = signed('fullup', body);
      const responses = await Promise.all(Array.from({ length: 20 }, () => deliver('fullup', body, headers)));
      expect(responses.every((response) => response.status === 200)).toBe(true);
      expect(responses.filter((response) => response.text === '')).toHaveLength(19);
      expect(t.log.attempts).toEqual([id]);
    });

    it('deduplicates every route of a class-level @VerifiedWebhook', async () => {
      await start({ replay: {} });
      const body = JSON.stringify({ id: eventId() });
      const headers = signWebhook('fullup', { secret: SECRETS.fullup, body });
      await post(`${t.baseUrl}/class-level`, body, headers);
      expect(await post(`${t.baseUrl}/class-level`, body, headers)).toEqual({ status: 200, text: '' });
      expect(t.log.handled).toHaveLength(1);
    });

    it('runs the handler once when @VerifiedWebhook is on the controller and on the method', async () => {
      await start({ replay: {} });
      const id = eventId();
      const body = JSON.stringify({ id });
      const headers = signWebhook('fullup', { secret: SECRETS.fullup, body });
      expect(await post(`${t.baseUrl}/both-levels`, body, headers)).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
      expect(await post(`${t.baseUrl}/both-levels`, body, headers)).toEqual({ status: 200, text: '' });
      expect(t.log.attempts).toEqual([id]);
    });

    it('treats a Noyo retry, re-signed with a new timestamp, as a duplicate of the same event.id', async () => {
      await start({ replay: {} });
      const id = eventId();
      const body = JSON.stringify({ data: { id: 'd1' }, event: { id } });
      expect((await deliver('noyo', body, signed('noyo', body, new Date(Date.now() - 60_000)))).status).toBe(200);
      expect(await deliver('noyo', body, signed('noyo', body))).toEqual({ status: 200, text: '' });
      const other = JSON.stringify({ data: { id: 'd1' }, event: { id: eventId() } });
      expect((await deliver('noyo', other)).text).not.toBe('');
      expect(t.log.handled).toEqual([id, JSON.parse(other).event.id]);
    });

    it('does not let a re-encoded signature header make a replay look new', async () => {
      await start({ replay: {} });
      const body = JSON.stringify({ id: eventId() });
      const { 'fullup-signature': signature } = signed('fullup', body);
      await deliver('fullup', body, { 'fullup-signature': signature! });
      expect(await deliver('fullup', body, { 'fullup-signature': signature!.toUpperCase() })).toEqual({ status: 200, text: '' });

      const noyoBody = JSON.stringify({ data: { id: eventId() } }); // no event.id: the signed content is the id
      const noyo = signed('noyo', noyoBody);
      const padded = { ...noyo, 'x-noyo-signature': `${'0'.repeat(64)}, ${noyo['x-noyo-signature']!.toUpperCase()}` };
      await deliver('noyo', noyoBody, noyo);
      expect(await deliver('noyo', noyoBody, padded)).toEqual({ status: 200, text: '' });

      const swBody = JSON.stringify({ id: eventId() });
      const sw = signed('signalwire', swBody);
      await deliver('signalwire', swBody, sw);
      expect(await deliver('signalwire', swBody, { 'x-signalwire-signature': sw['x-signalwire-signature']! })).toEqual({ status: 200, text: '' });
      expect(t.log.handled).toHaveLength(3);
    });

    it("treats a Stripe retry, re-signed by Stripe's SDK, as a duplicate of the same event id", async () => {
      await start({ replay: {} });
      const id = eventId();
      const body = JSON.stringify({ id, object: 'event', type: 'invoice.paid' });
      const stripeHeader = (timestamp: number) => ({
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRETS.stripe, timestamp }),
      });
      const now = Math.floor(Date.now() / 1000);
      expect(await deliver('stripe', body, stripeHeader(now - 120))).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
      expect(await deliver('stripe', body, stripeHeader(now))).toEqual({ status: 200, text: '' });
      expect(t.log.handled).toEqual([id]);
    });

    it('catches a GitHub replay whose X-GitHub-Delivery was changed: the signed body is the id', async () => {
      await start({ replay: {} });
      const body = JSON.stringify({ id: eventId(), zen: 'Keep it logically awesome.' });
      const headers = { 'x-hub-signature-256': await githubSign(SECRETS.github, body), 'x-github-event': 'ping' };
      await deliver('github', body, { ...headers, 'x-github-delivery': randomUUID() });
      expect(await deliver('github', body, { ...headers, 'x-github-delivery': randomUUID() })).toEqual({ status: 200, text: '' });
      expect(t.log.handled).toHaveLength(1);
    });

    it('forgets a delivery after ttlSeconds', async () => {
      let now = Date.now();
      const store = new MemoryReplayStore({ clock: () => now });
      await start({ replay: { store, ttlSeconds: 600 } });
      const body = JSON.stringify({ id: eventId() });
      const headers = signed('fullup', body);
      await deliver('fullup', body, headers);
      now += 599_000;
      expect((await deliver('fullup', body, headers)).text).toBe('');
      now += 2_000;
      expect((await deliver('fullup', body, headers)).text).not.toBe('');
      expect(t.log.handled).toHaveLength(2);
    });

    it('keys the store by prefix, provider and a hash of the id: no id, signature or secret in a key', async () => {
      const store = new RecordingStore();
      await start({ replay: { store }, providers: providers({ noyo: { keyPrefix: 'billing:' } }) });
      const id = eventId();
      const body = JSON.stringify({ id, event: { id } });
      const fullup = signed('fullup', body);
      const noyo = signed('noyo', body);
      await deliver('fullup', body, fullup);
      await deliver('noyo', body, noyo);
      expect(store.keys).toEqual([expect.stringMatching(/^whr:[\w-]{22}$/), expect.stringMatching(/^billing:[\w-]{22}$/)]);
      for (const secret of [id, fullup['fullup-signature']!, noyo['x-noyo-signature']!, SECRETS.fullup, SECRETS.noyo]) {
        expect(store.keys.join()).not.toContain(secret);
      }
    });

    it('remembers each sender for its own retry window, unless ttlSeconds says otherwise', async () => {
      const deliverEach = async () => {
        for (const vendor of ['trophy', 'stripe', 'github'] as const) {
          const body = JSON.stringify({ id: eventId() });
          const headers = vendor === 'github' ? { 'x-hub-signature-256': await githubSign(SECRETS.github, body) } : signed(vendor, body);
          expect((await deliver(vendor, body, headers)).status).toBeLessThan(300);
        }
      };
      const store = new RecordingStore();
      await start({ replay: { store } });
      await deliverEach();
      // Trophy: 1 hour; Stripe: 3 days; GitHub, which never retries and signs no timestamp: 3 days.
      // GitHub's event header is tied to its body by two more keys, which live as long.
      expect(store.ttls).toEqual([3_600_000, 259_200_000, 259_200_000, 259_200_000, 259_200_000]);

      await t.app.close();
      const overridden = new RecordingStore();
      await start({ replay: { store: overridden, ttlSeconds: 7_200 }, providers: providers({ github: { ttlSeconds: 900 } }) });
      await deliverEach();
      expect(overridden.ttls).toEqual([7_200_000, 7_200_000, 900_000, 900_000, 900_000]);
    });

    it('settles the claim of a delivery that succeeded, after the response, and releases one that failed', async () => {
      const store = new SettlingStore();
      await start({ replay: { store } });
      const ok = JSON.stringify({ id: eventId() });
      const failing = JSON.stringify({ id: eventId(), failOnce: true });
      expect((await deliver('fullup', ok)).status).toBe(200);
      expect((await deliver('fullup', failing)).status).toBe(500);
      for (let attempt = 0; attempt < 40 && store.settled.length === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(store.settled).toEqual([store.keys[0]]);
      expect(store.released).toEqual([store.keys[1]]);
      expect(await deliver('fullup', ok)).toEqual({ status: 200, text: '' });
    });

    it('refuses a delivery the previous release recorded under its key layout, unless checkPreviousKeys is false', async () => {
      // The previous layout: <prefix><provider>:<base64url SHA-256 of the delivery id>; Noyo's id is `event:<event.id>`.
      const previousKey = (id: string) => `webhook-replay:noyo:${createHash('sha256').update(`event:${id}`).digest('base64url')}`;
      const [recorded, unchecked] = [eventId(), eventId()];
      const store = new SettlingStore();
      await store.claim(previousKey(recorded), randomUUID(), 60_000);
      await store.claim(previousKey(unchecked), randomUUID(), 60_000);
      await start({ replay: { store } });
      const body = (id: string) => JSON.stringify({ data: { id: 'd1' }, event: { id } });
      expect(await deliver('noyo', body(recorded))).toEqual({ status: 200, text: '' });
      expect(t.log.attempts).toEqual([]);
      expect(store.previousKeys.at(-1)).toBe(previousKey(recorded));
      await t.app.close();

      await start({ replay: { store, checkPreviousKeys: false } });
      expect((await deliver('noyo', body(unchecked))).status).toBe(200);
      expect(t.log.handled).toEqual([unchecked]);
      expect(store.previousKeys.at(-1)).toBeUndefined();
    });

    it('provides the module-wide store under the ReplayStore token', async () => {
      const store = new MemoryReplayStore();
      await start({ replay: { store } });
      expect(t.app.get(ReplayStore)).toBe(store);
      await t.app.close();
      await start({});
      expect(t.app.get(ReplayStore)).toBeInstanceOf(MemoryReplayStore);
    });
  });

  describe('when the store fails', () => {
    const body = JSON.stringify({ id: 'evt_store_down' });

    it('fails closed by default: 503, the handler does not run, an error log without secrets', async () => {
      const store = new RecordingStore();
      store.failClaim = true;
      await start({ replay: { store } });
      const headers = signed('fullup', body);
      const response = await deliver('fullup', body, headers);
      expect(response.status).toBe(503);
      expect(JSON.parse(response.text)).toEqual({ statusCode: 503, message: 'Webhook replay protection is unavailable', error: 'Service Unavailable' });
      expect(t.log.attempts).toEqual([]);
      const errors = t.logger.lines.filter((line) => line.level === 'error');
      expect(errors).toEqual([{ level: 'error', message: "Replay store failed for 'fullup'; answering 503: Error (ECONNREFUSED)" }]);
      expect(JSON.stringify(t.logger.lines)).not.toContain('store-password');
      expect(JSON.stringify(t.logger.lines)).not.toContain(headers['fullup-signature']!);
      expect(JSON.stringify(t.logger.lines)).not.toContain(SECRETS.fullup);
    });

    it('runs the handler unchecked, with a warning, when failOpen is set', async () => {
      const store = new RecordingStore();
      store.failClaim = true;
      await start({ replay: { store, failOpen: true } });
      expect((await deliver('fullup', body)).status).toBe(200);
      expect(t.log.handled).toEqual(['evt_store_down']);
      expect(t.logger.lines).toContainEqual({
        level: 'warn',
        message: "Replay store failed for 'fullup'; handling the webhook unchecked (failOpen): Error (ECONNREFUSED)",
      });
    });

    it("logs a failed release and still answers with the handler's error", async () => {
      const store = new RecordingStore();
      store.failRelease = true;
      await start({ replay: { store } });
      const failing = JSON.stringify({ id: eventId(), failOnce: true });
      expect((await deliver('fullup', failing)).status).toBe(500);
      expect(t.logger.lines).toContainEqual({
        level: 'error',
        message: expect.stringMatching(
          /^Replay store failed to release a failed delivery from 'fullup' \(whr:[\w-]{22}\); its retries count as duplicates until the claim expires: Error$/,
        ),
      });
      expect(JSON.stringify(t.logger.lines)).not.toContain('store-password');
    });

    it('logs a claim that could not be settled with a warning, answers the success, and keeps the claim', async () => {
      await start({ replay: { store: new UnsettlingStore() } });
      const id = eventId();
      const ok = JSON.stringify({ id });
      expect(await deliver('fullup', ok)).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
      for (let attempt = 0; attempt < 40 && !t.logger.lines.some(({ level }) => level === 'warn'); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(t.logger.lines).toContainEqual({
        level: 'warn',
        message: expect.stringMatching(
          /^Replay store failed to settle a delivery from 'fullup' \(whr:[\w-]{22}\); the claim stays with its token until it expires: Error$/,
        ),
      });
      expect(await deliver('fullup', ok)).toEqual({ status: 200, text: '' });
      expect(JSON.stringify(t.logger.lines)).not.toContain('store-password');
    });
  });

  describe('when the store fails while tying a GitHub body to its X-GitHub-Event', () => {
    /** A memory store that fails the claims and releases it is told to, by the order of the call. */
    class FailingStore extends MemoryReplayStore {
      claimCalls = 0;
      failClaims = new Set<number>();
      failReleases = new Set<number>();
      readonly released: string[] = [];
      override claim(key: string, token: string, ttlMs: number, previousKey?: string): Promise<boolean> {
        if (this.failClaims.has(++this.claimCalls)) return Promise.reject(new Error('Connection to redis://:store-password@10.0.0.5:6379 is closed.'));
        return super.claim(key, token, ttlMs, previousKey);
      }
      override release(key: string, token: string): Promise<void> {
        this.released.push(key);
        if (this.failReleases.has(this.released.length)) return Promise.reject(new Error('Connection to redis://:store-password@10.0.0.5:6379 is closed.'));
        return super.release(key, token);
      }
    }
    const github = async (body: string, event: string) =>
      deliver('github', body, { 'x-hub-signature-256': await githubSign(SECRETS.github, body), 'x-github-event': event });

    it.each([2, 3])('answers 503 when claim %i of 3 fails, gives the delivery back, and then runs its retry only under its header', async (failing) => {
      const store = new FailingStore();
      store.failClaims.add(failing);
      await start({ replay: { store } });
      const id = eventId();
      const body = JSON.stringify({ id });
      expect((await github(body, 'issues')).status).toBe(503);
      expect(t.log.attempts).toEqual([]);
      expect(await github(body, 'issues')).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
      expect(await github(body, 'pull_request')).toEqual({ status: 200, text: '' });
      expect(t.log.handled).toEqual([id]);
      expect(JSON.stringify(t.logger.lines)).not.toContain('store-password');
    });

    it('runs the handler unchecked with failOpen, as for any store failure', async () => {
      const store = new FailingStore();
      store.failClaims.add(3);
      await start({ replay: { store, failOpen: true } });
      const id = eventId();
      expect(await github(JSON.stringify({ id }), 'issues')).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
    });

    it('keeps the delivery as a duplicate when the key of the other header cannot be given back: it fails closed', async () => {
      const store = new FailingStore();
      await start({ replay: { store } });
      const id = eventId();
      const body = JSON.stringify({ id, failOnce: true });
      expect((await github(body, 'issues')).status).toBe(500);
      store.failReleases.add(2);
      expect(await github(body, 'pull_request')).toEqual({ status: 200, text: '' });
      expect(store.released).toHaveLength(2);
      expect(await github(body, 'pull_request')).toEqual({ status: 200, text: '' });
      expect(await github(body, 'issues')).toEqual({ status: 200, text: '' });
      expect(t.log.attempts).toEqual([id]);
      expect(t.logger.lines).toContainEqual({
        level: 'error',
        message: expect.stringMatching(
          /^Replay store failed to release a key of a webhook from 'github' \(whr:[\w-]{22}\) sent under another event type; the delivery is kept as a duplicate until it expires: Error$/,
        ),
      });
      expect(JSON.stringify(t.logger.lines)).not.toContain('store-password');
    });
  });

  describe('custom verifiers', () => {
    const verifier = (deliveryId?: () => string | undefined): WebhookVerifier => ({
      verify: () => ({ verified: true }),
      ...(deliveryId && { deliveryId }),
    });

    it('uses the id a custom verifier gives', async () => {
      await start({ replay: {}, providers: { ...providers(), fullup: { secret: 's', verifier: verifier(() => 'delivery-1') } } });
      await deliver('fullup', JSON.stringify({ id: 'a' }), {});
      expect(await deliver('fullup', JSON.stringify({ id: 'b' }), {})).toEqual({ status: 200, text: '' });
      expect(t.log.handled).toEqual(['a']);
    });

    it('lets a request without an id through, with a warning', async () => {
      await start({ replay: {}, providers: { ...providers(), fullup: { secret: 's', verifier: verifier(() => undefined) } } });
      await deliver('fullup', JSON.stringify({ id: 'a' }), {});
      await deliver('fullup', JSON.stringify({ id: 'a' }), {});
      expect(t.log.handled).toEqual(['a', 'a']);
      expect(t.logger.lines).toContainEqual({ level: 'warn', message: "Webhook from 'fullup' has no delivery id: handled without replay protection" });
    });
  });

  describe('configuration', () => {
    const fails = (options: Partial<WebhookSecurityModuleOptions>) =>
      createReplayApp(WebhookSecurityModule.forRoot({ providers: providers(), ...options }), adapter);

    it.each<[string, Partial<WebhookSecurityModuleOptions>, RegExp]>([
      ['a zero TTL', { replay: { ttlSeconds: 0 } }, /'trophy': replay\.ttlSeconds must be a positive number of seconds/],
      ['an unknown onDuplicate', { replay: { onDuplicate: 'drop' as never } }, /replay\.onDuplicate must be 'acknowledge' or 'conflict'/],
      ['a store without claim()', { replay: { store: {} as never } }, /replay\.store must be a ReplayStore with claim\(\) and release\(\)/],
      [
        'a TTL shorter than twice the timestamp tolerance',
        { replay: { ttlSeconds: 599 } },
        /'trophy': replay\.ttlSeconds must be at least twice the timestamp tolerance \(600 s\)/,
      ],
      ['a provider override with a bad TTL', { providers: providers({ github: { ttlSeconds: -1 } }) }, /'github': replay\.ttlSeconds/],
      [
        'a custom verifier without deliveryId()',
        { replay: {}, providers: { ...providers(), fullup: { secret: 's', verifier: { verify: () => ({ verified: true }) } } } },
        /'fullup': verifier must be a verifier with a deliveryId\(request\) method to use replay protection/,
      ],
    ])('stops startup on %s', async (_name, options, message) => {
      await expect(fails(options)).rejects.toThrow(message);
    });
  });
});
