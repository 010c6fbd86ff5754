import { type PipeTransform, type Type } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import request from 'supertest';
import { WebhookSecurityModule } from '../../src/index.js';
import { signWebhook } from '../../src/testing/index.js';
import { ADAPTERS } from '../app/create-app.js';
import { BillingModule, EVENT_SECRETS, createEventsApp, eventProviders, type EventsTestApp } from './events-app.js';

/** A global pipe that hands on a copy of every object value, custom parameters' included. */
class CopyingPipe implements PipeTransform {
  transform(value: unknown) {
    return typeof value === 'object' && value !== null ? structuredClone({ ...value, request: undefined }) : value;
  }
}

const FIX =
  "a pipe changed the value of a parameter this library fills (@WebhookEvent(), or { dispatch: true }'s): let global pipes pass values of metadata.type 'custom' through unchanged.";

describe.each(ADAPTERS)('A global pipe that replaces the values of custom parameters, on %s', (adapter) => {
  let t: EventsTestApp;
  beforeAll(async () => {
    t = await createEventsApp(WebhookSecurityModule.forRoot({ providers: eventProviders() }), adapter, {
      imports: [BillingModule],
      providers: [{ provide: APP_PIPE, useClass: CopyingPipe } as unknown as Type],
    });
  });
  afterAll(() => t.app.close());

  it.each(['/events/stripe', '/events/stripe-param'])('%s: 500 naming the fix, and no handler runs', async (path) => {
    const { body, headers } = signWebhook('stripe', { secret: EVENT_SECRETS.stripe, event: { id: 'evt_copied', type: 'invoice.paid', data: { object: {} } } });
    const response = await request(t.app.getHttpServer()).post(path).set('content-type', 'application/json').set(headers).send(body);
    expect(response.status).toBe(500);
    expect((response.body as { message: string }).message).toBe(`Webhook verification is misconfigured: ${FIX}`);
    expect(t.log.handlers).toEqual([]);
    expect(t.logger.lines.at(-1)).toEqual({ level: 'error', message: FIX });
  });
});
