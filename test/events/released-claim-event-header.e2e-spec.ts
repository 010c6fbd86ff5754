import { Controller, Injectable, Post } from '@nestjs/common';
import request from 'supertest';
import { MemoryReplayStore, OnWebhookEvent, VerifiedWebhook, WebhookSecurityModule } from '../../src/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { ADAPTERS, createApp, type TestApp } from '../app/create-app.js';

const SECRET = 'released-claim-github';
const SHOPIFY_SECRET = 'released-claim-shopify';

/** The handlers that ran, in order. */
const ran: string[] = [];
let failIssues = false;

@Controller('released')
class ReleasedClaimController {
  @Post('github')
  @VerifiedWebhook('github', { dispatch: true })
  github() {}

  @Post('shopify')
  @VerifiedWebhook('shopify', { dispatch: true })
  shopify() {}
}

@Injectable()
class PullRequestHandlers {
  @OnWebhookEvent('github', 'pull_request.opened')
  pullRequestOpened() {
    ran.push('pull_request.opened');
  }

  @OnWebhookEvent('github', 'issues.opened')
  issuesOpened() {
    if (failIssues) throw new Error('the database is down');
    ran.push('issues.opened');
  }

  @OnWebhookEvent('shopify', 'orders/create')
  ordersCreate() {
    if (failIssues) throw new Error('the database is down');
    ran.push('orders/create');
  }

  @OnWebhookEvent('shopify', 'customers/redact')
  customersRedact() {
    ran.push('customers/redact');
  }
}

// GitHub signs the body only; X-GitHub-Event is not signed. With replay on, the
// claim on the signed body is what keeps a captured body from being dispatched
// again under another event header. A delivery whose dispatch failed gives its
// claim back, so that the sender can retry it: the retry must still be the
// same event, not whatever event header comes with the same signed body.
describe.each(ADAPTERS)('A GitHub body whose claim was given back, sent again under another X-GitHub-Event (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createApp(
      WebhookSecurityModule.forRoot({
        providers: {
          github: { scheme: 'github', secret: SECRET, replay: { store: new MemoryReplayStore() } },
          shopify: { scheme: 'shopify', secret: SHOPIFY_SECRET, replay: { store: new MemoryReplayStore() } },
        },
        events: { unhandled: 422 },
      }),
      { adapter, controllers: [ReleasedClaimController], providers: [PullRequestHandlers] },
    );
  });
  afterAll(() => t.app.close());
  beforeEach(() => {
    ran.splice(0);
    failIssues = false;
  });

  const send = (body: string, event: string) =>
    request(t.app.getHttpServer())
      .post('/released/github')
      .set('content-type', 'application/json')
      .set('x-github-event', event)
      .set(signWebhook('github', { secret: SECRET, body }))
      .send(body);

  it('after a 422 for its unhandled type: never reaches the handler of another type', async () => {
    const body = JSON.stringify({ action: 'opened', discussion: { number: 1 } });
    expect((await send(body, 'discussion')).status).toBe(422);
    await send(body, 'pull_request');
    expect(ran).toEqual([]);
  });

  it('after its handler failed: never reaches the handler of another type', async () => {
    const body = JSON.stringify({ action: 'opened', issue: { number: 2 } });
    failIssues = true;
    expect((await send(body, 'issues')).status).toBe(500);
    failIssues = false;
    await send(body, 'pull_request');
    expect(ran).toEqual([]);
  });

  it("runs the sender's retry, under the header the body first came with, once its handler failed", async () => {
    const body = JSON.stringify({ action: 'opened', issue: { number: 3 } });
    failIssues = true;
    expect((await send(body, 'issues')).status).toBe(500);
    failIssues = false;
    expect((await send(body, 'pull_request')).status).toBe(200);
    expect((await send(body, 'issues')).status).toBe(200);
    expect(ran).toEqual(['issues.opened']);
  });

  it('refuses a Shopify body whose topic moved to the other topic header, or was joined by it', async () => {
    const body = JSON.stringify({ id: 4, customer: { id: 5 } });
    const shopify = (topics: Record<string, string>) =>
      request(t.app.getHttpServer())
        .post('/released/shopify')
        .set('content-type', 'application/json')
        .set(topics)
        .set(signWebhook('shopify', { secret: SHOPIFY_SECRET, body }))
        .send(body);
    failIssues = true;
    expect((await shopify({ 'x-shopify-topic': 'orders/create' })).status).toBe(500);
    failIssues = false;
    await shopify({ 'shopify-topic': 'customers/redact' });
    await shopify({ 'x-shopify-topic': 'orders/create', 'shopify-topic': 'customers/redact' });
    expect(ran).toEqual([]);
    expect((await shopify({ 'x-shopify-topic': 'orders/create' })).status).toBe(200);
    expect(ran).toEqual(['orders/create']);
  });
});
