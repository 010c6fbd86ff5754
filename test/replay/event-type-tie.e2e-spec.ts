import { randomUUID } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { Controller, Injectable, Post } from '@nestjs/common';
import request from 'supertest';
import {
  MemoryReplayStore,
  OnWebhookEvent,
  REPLAY_CHANNEL,
  VerifiedWebhook,
  WebhookSecurityModule,
  type WebhookSecurityModuleOptions,
  type WebhookReplayMessage,
  type WebhookVerifier,
} from '../../src/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { ADAPTERS, createApp, type TestApp } from '../app/create-app.js';
import { REPLAY_SECRETS as SECRETS, createReplayApp, post, type ReplayTestApp } from './replay-app.js';

/**
 * A memory store that fails the claims it is told to, by the order of the call, as a Redis node that drops a command
 * would (the error's code names the call), or answers them late.
 */
class FailingStore extends MemoryReplayStore {
  claimCalls = 0;
  readonly failClaims = new Set<number>();
  /** Claims answered after 300 ms, by the order of the call. */
  readonly slowClaims = new Set<number>();
  override async claim(key: string, token: string, ttlMs: number, previousKey?: string): Promise<boolean> {
    const call = ++this.claimCalls;
    if (this.failClaims.has(call)) throw Object.assign(new Error('Connection is closed.'), { code: `ECLAIM${call}` });
    if (this.slowClaims.has(call)) await new Promise((resolve) => setTimeout(resolve, 300));
    return super.claim(key, token, ttlMs, previousKey);
  }

  releaseCalls = 0;
  /** Releases that never answer, by the order of the call. */
  readonly hangReleases = new Set<number>();
  override release(key: string, token: string): Promise<void> {
    if (this.hangReleases.has(++this.releaseCalls)) return new Promise(() => undefined);
    return super.release(key, token);
  }
}

/** Every provider the replay app's routes name, with `overrides`. */
const providers = (overrides: WebhookSecurityModuleOptions['providers'] = {}): WebhookSecurityModuleOptions['providers'] => ({
  ...Object.fromEntries(Object.entries(SECRETS).map(([name, secret]) => [name, { secret }])),
  ...overrides,
});

let n = 0;
const eventId = () => `evt_tie_${process.pid}_${n++}`;

// The first delivery of a GitHub body makes three claims: the delivery's key (1), then, together, the key that
// the body was seen (2) and the key of its X-GitHub-Event (3). A store that fails one of them answers 503.
describe.each(ADAPTERS)('A GitHub body whose first claim the store failed half-way (%s)', (adapter) => {
  let t: ReplayTestApp;
  afterEach(() => t?.app.close());

  const start = async (store: MemoryReplayStore, options: { failOpen?: boolean; claimTimeoutMs?: number } = {}) => {
    t = await createReplayApp(WebhookSecurityModule.forRoot({ providers: providers(), replay: { store, ...options } }), adapter);
  };
  const github = (body: string, event: string) =>
    post(`${t.baseUrl}/webhooks/github`, body, { ...signWebhook('github', { secret: SECRETS.github, body }), 'x-github-event': event });

  it("runs the sender's retry, under the header it came with, when the store failed on the claim of that header", async () => {
    const store = new FailingStore();
    store.failClaims.add(3);
    await start(store);
    const id = eventId();
    const body = JSON.stringify({ id });
    expect((await github(body, 'issues')).status).toBe(503);
    // The 503 asks the sender to retry; answered as a duplicate, the retry is taken for delivered and never handled.
    expect(await github(body, 'issues')).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
  });

  it.each([2, 3])('answers 503 naming the error of the claim that failed, claim %i', async (failing) => {
    const store = new FailingStore();
    store.failClaims.add(failing);
    await start(store);
    expect((await github(JSON.stringify({ id: eventId() }), 'issues')).status).toBe(503);
    expect(t.logger.lines).toContainEqual({ level: 'error', message: `Replay store failed for 'github'; answering 503: Error (ECLAIM${failing})` });
  });

  it("keeps a body's tie when the store fails on the claim of another header's values: that header stays refused", async () => {
    const store = new FailingStore();
    await start(store);
    const id = eventId();
    const body = JSON.stringify({ id, failOnce: true });
    expect((await github(body, 'issues')).status).toBe(500);
    // Claims 4 to 6: the delivery's key, that the body was seen (it was), the values of pull_request (fails).
    store.failClaims.add(6);
    expect((await github(body, 'pull_request')).status).toBe(503);
    expect(await github(body, 'pull_request')).toEqual({ status: 200, text: '' });
    expect(await github(body, 'issues')).toEqual({ status: 200, text: JSON.stringify({ handled: id }) });
    expect(t.log.attempts).toEqual([id, id]);
  });

  it('keeps the delivery as a duplicate when a claim under other values lands after its time-out and its untie fails', async () => {
    const store = new FailingStore();
    await start(store, { claimTimeoutMs: 100 });
    const id = eventId();
    const body = JSON.stringify({ id, failOnce: true });
    expect((await github(body, 'issues')).status).toBe(500);
    // Claims 5 and 6 (the tie of pull_request) land after the time-out; release 2, of pull_request's values, never answers.
    store.slowClaims.add(5).add(6);
    store.hangReleases.add(2);
    expect((await github(body, 'pull_request')).status).toBe(503);
    for (let attempt = 0; attempt < 100 && !t.logger.lines.some(({ message }) => message.includes('sent under another event type')); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(t.logger.lines).toContainEqual({ level: 'error', message: expect.stringContaining('the delivery is kept as a duplicate until it expires') });
    expect(await github(body, 'pull_request')).toEqual({ status: 200, text: '' });
    expect(t.log.attempts).toEqual([id]);
  });

  it('publishes other_event_type on the replay channel for a body under other values', async () => {
    const decisions: string[] = [];
    const listen = (message: unknown) => {
      const { provider, decision } = message as WebhookReplayMessage;
      if (provider === 'github') decisions.push(decision);
    };
    diagnosticsChannel.subscribe(REPLAY_CHANNEL, listen);
    try {
      await start(new FailingStore());
      const body = JSON.stringify({ id: eventId(), failOnce: true });
      expect((await github(body, 'issues')).status).toBe(500);
      await github(body, 'pull_request');
      expect(decisions).toEqual(['claimed', 'released', 'other_event_type']);
    } finally {
      diagnosticsChannel.unsubscribe(REPLAY_CHANNEL, listen);
    }
  });

  it("never runs a released body under another header with failOpen, when only the release of that header's key does not answer", async () => {
    const store = new FailingStore();
    await start(store, { failOpen: true, claimTimeoutMs: 200 });
    const id = eventId();
    const body = JSON.stringify({ id, failOnce: true });
    expect((await github(body, 'issues')).status).toBe(500);
    // The store answered every claim, and those answers say the body came under another header before.
    store.hangReleases.add(store.releaseCalls + 1);
    await github(body, 'pull_request');
    expect(t.log.attempts).toEqual([id]);
  });
});

const GITLAB_TOKEN = 'gitlab-tie-token';
const ran: string[] = [];
let failIssues = false;

@Controller('tie')
class GitLabController {
  @Post('gitlab')
  @VerifiedWebhook('gitlab', { dispatch: true })
  gitlab() {}
}

@Injectable()
class GitLabHandlers {
  @OnWebhookEvent('gitlab', 'Issue Hook')
  issue() {
    if (failIssues) throw new Error('the database is down');
    ran.push('Issue Hook');
  }

  @OnWebhookEvent('gitlab', 'Push Hook')
  push() {
    ran.push('Push Hook');
  }
}

// GitLab's delivery id is X-Gitlab-Event-UUID, a header its token does not sign: the tie holds per delivery id, and a
// request under a new one is a new delivery (CHANGELOG, docs/replay.md).
describe.each(ADAPTERS)('A GitLab body whose claim was given back, sent again under another X-Gitlab-Event (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createApp(
      WebhookSecurityModule.forRoot({ providers: { gitlab: { scheme: 'gitlab', secret: GITLAB_TOKEN, replay: { store: new MemoryReplayStore() } } } }),
      { adapter, controllers: [GitLabController], providers: [GitLabHandlers] },
    );
  });
  afterAll(() => t.app.close());
  beforeEach(() => {
    ran.splice(0);
    failIssues = false;
  });

  const send = (body: string, event: string, uuid: string) =>
    request(t.app.getHttpServer())
      .post('/tie/gitlab')
      .set('content-type', 'application/json')
      .set({ 'x-gitlab-token': GITLAB_TOKEN, 'x-gitlab-event': event, 'x-gitlab-event-uuid': uuid })
      .send(body);

  it('is refused under its X-Gitlab-Event-UUID, and is a new delivery under another one, whatever its header', async () => {
    const body = JSON.stringify({ object_kind: 'issue', object_attributes: { iid: 1 } });
    const uuid = randomUUID();
    failIssues = true;
    expect((await send(body, 'Issue Hook', uuid)).status).toBe(500);
    failIssues = false;
    await send(body, 'Push Hook', uuid);
    expect(ran).toEqual([]);
    await send(body, 'Push Hook', randomUUID());
    expect(ran).toEqual(['Push Hook']);
  });
});

describe.each(ADAPTERS)('A custom verifier whose unsignedEventTypeHeaders is not a list (%s)', (adapter) => {
  it('stops the app at startup, naming the property, rather than answering every delivery 500', async () => {
    const verifier = {
      verify: () => ({ verified: true }),
      deliveryId: () => randomUUID(),
      eventType: () => 'push',
      unsignedEventTypeHeaders: 'x-event',
    } as unknown as WebhookVerifier;
    const started = createReplayApp(WebhookSecurityModule.forRoot({ providers: providers({ fullup: { secret: 's', verifier } }), replay: {} }), adapter);
    await expect(started.then((t) => t.app.close())).rejects.toThrow(/unsignedEventTypeHeaders/);
  });
});
