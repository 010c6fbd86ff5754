import { Controller, Injectable, Param, ParseIntPipe, Post } from '@nestjs/common';
import request from 'supertest';
import Stripe from 'stripe';
import { MemoryReplayStore, OnWebhookEvent, VerifiedWebhook, WebhookSecurityModule } from '../../src/index.js';
import { ADAPTERS } from '../app/create-app.js';
import { EVENT_SECRETS, EventLog, createEventsApp, eventProviders, type EventsTestApp } from './events-app.js';

/** A dispatching route with a parameter whose pipe refuses what the client sent. */
@Controller('refused')
class RefusedParameterController {
  @Post(':tenant')
  @VerifiedWebhook('stripe', { dispatch: true })
  handle(@Param('tenant', ParseIntPipe) tenant: number) {
    return { tenant };
  }
}

/** The gate the first handler waits on, opened by the test. */
let open: () => void;
let gate: Promise<void>;
const closeGate = () => {
  gate = new Promise((resolve) => (open = resolve));
};

@Injectable()
class GatedHandlers {
  constructor(private readonly log: EventLog) {}

  @OnWebhookEvent('stripe', 'invoice.paid')
  async first() {
    this.log.steps.push('first:start');
    await gate;
    this.log.steps.push('first:end');
  }

  @OnWebhookEvent('stripe', 'invoice.paid')
  second() {
    this.log.steps.push('second');
    throw new Error('second failed');
  }
}

/**
 * Nest resolves a route's arguments together, and answers as soon as one
 * pipe refuses its value: the dispatch, which is one of those arguments,
 * goes on without the response waiting for it.
 */
describe.each(ADAPTERS)('A dispatching route whose other parameter is refused, on %s', (adapter) => {
  let t: EventsTestApp;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    const replay = { store: new MemoryReplayStore() };
    t = await createEventsApp(WebhookSecurityModule.forRoot({ providers: eventProviders(), replay }), adapter, {
      imports: [],
      controllers: [RefusedParameterController],
      providers: [GatedHandlers],
    });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await t.app.close();
  });

  it('answers 400 while the handlers run; the claim is released then, and a handler failing later is only logged', async () => {
    const payload = JSON.stringify({ id: 'evt_refused', type: 'invoice.paid', data: { object: {} } });
    const send = () =>
      request(t.app.getHttpServer())
        .post('/refused/not-a-number')
        .set('content-type', 'application/json')
        .set('stripe-signature', Stripe.webhooks.generateTestHeaderString({ payload, secret: EVENT_SECRETS.stripe }))
        .send(payload);

    closeGate();
    expect((await send()).status).toBe(400);
    expect(t.log.steps).toEqual(['first:start']);
    // The 400 released the replay claim: the sender's retry is dispatched again, beside the first run.
    expect((await send()).status).toBe(400);
    expect(t.log.steps).toEqual(['first:start', 'first:start']);
    open();
    await new Promise<void>((resolve) => {
      const poll = () => (t.log.steps.length === 6 ? resolve() : setImmediate(poll));
      poll();
    });
    expect(t.log.steps.slice(2).sort()).toEqual(['first:end', 'first:end', 'second', 'second']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
    expect(t.logger.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      expect.stringMatching(/^GatedHandlers\.second\(\) failed on "invoice\.paid" from 'stripe'/),
      expect.stringMatching(/^GatedHandlers\.second\(\) failed on "invoice\.paid" from 'stripe'/),
    ]);
  });
});
