import Stripe from 'stripe';
import { Body, Controller, Injectable, Post } from '@nestjs/common';
import request from 'supertest';
import { MemoryReplayStore, OnWebhookEvent, VerifiedWebhook, WebhookEvent, WebhookSecurityModule, type VerifiedWebhookEvent } from '../../src/index.js';
import { ADAPTERS, createApp, type TestApp } from '../app/create-app.js';

const SECRET = 'whsec_byte_order_mark';

/** What each reader of a delivery was given. */
const seen: { body: unknown[]; param: unknown[]; onEvent: unknown[] } = { body: [], param: [], onEvent: [] };

@Controller('bom')
class ByteOrderMarkController {
  @Post('body')
  @VerifiedWebhook('stripe')
  body(@Body() body: unknown) {
    seen.body.push(body);
  }

  @Post('param')
  @VerifiedWebhook('stripe')
  param(@WebhookEvent() { eventType, event }: VerifiedWebhookEvent) {
    seen.param.push({ eventType, event });
  }

  @Post('dispatch')
  @VerifiedWebhook('stripe', { dispatch: true })
  dispatch() {}
}

@Injectable()
class InvoiceHandlers {
  @OnWebhookEvent('stripe', 'invoice.paid')
  paid(event: unknown) {
    seen.onEvent.push(event);
  }
}

// Senders that write JSON through a UTF-8 encoder with a byte order mark
// (.NET's Encoding.UTF8, say) sign the mark with the rest. The app's JSON
// parser (body-parser on Express, secure-json-parse on Fastify) skips it; the
// event, its type and its id must be read from the same bytes the same way.
describe.each(ADAPTERS)('A signed JSON body that starts with a byte order mark (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createApp(
      WebhookSecurityModule.forRoot({ providers: { stripe: { scheme: 'stripe', secret: SECRET, replay: { store: new MemoryReplayStore() } } } }),
      { adapter, controllers: [ByteOrderMarkController], providers: [InvoiceHandlers] },
    );
  });
  afterAll(() => t.app.close());
  beforeEach(() => Object.values(seen).forEach((list) => list.splice(0)));

  /** The event as a .NET sender writes it, signed by Stripe's own SDK over the bytes sent. */
  const post = (path: string, id: string, timestamp = Math.floor(Date.now() / 1000)) => {
    const payload = `\uFEFF${JSON.stringify({ id, type: 'invoice.paid', data: { object: { id: 'in_1' } } })}`;
    return request(t.app.getHttpServer())
      .post(path)
      .set('content-type', 'application/json')
      .set('stripe-signature', Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp }))
      .send(payload);
  };

  it('reaches @Body() as the parser reads it: 201', async () => {
    expect((await post('/bom/body', 'evt_bom_body')).status).toBe(201);
    expect(seen.body).toEqual([{ id: 'evt_bom_body', type: 'invoice.paid', data: { object: { id: 'in_1' } } }]);
  });

  it('reaches @WebhookEvent() with its type and event, as @Body() does: 201', async () => {
    expect((await post('/bom/param', 'evt_bom_param')).status).toBe(201);
    expect(seen.param).toEqual([{ eventType: 'invoice.paid', event: { id: 'evt_bom_param', type: 'invoice.paid', data: { object: { id: 'in_1' } } } }]);
  });

  it('is dispatched to the handler of its type: 200', async () => {
    expect((await post('/bom/dispatch', 'evt_bom_dispatch')).status).toBe(200);
    expect(seen.onEvent).toEqual([{ id: 'evt_bom_dispatch', type: 'invoice.paid', data: { object: { id: 'in_1' } } }]);
  });

  it('is claimed by its event id, so that a retry signed anew never reaches the handler again', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await post('/bom/body', 'evt_bom_retried', now - 60)).status).toBe(201);
    expect((await post('/bom/body', 'evt_bom_retried', now)).status).toBe(200);
    expect(seen.body).toHaveLength(1);
    expect(t.logger.lines.map((line) => line.message).join('\n')).not.toContain('has no delivery id');
  });
});
