import { hmacValidator } from '@adyen/api-library';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import request from 'supertest';
import { VerifiedWebhook } from '../src/index.js';
import { Calls, startCallsApp, type CallsApp } from './app/calls-app.js';
import { ADAPTERS } from './app/create-app.js';

/*
 * Adyen's payment notifications sign eight fields of each item, not the body,
 * so replay protection is required: each signed item must run the handler once,
 * whatever batch it is re-sent in.
 */
const KEY = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056';
const sdk = new hmacValidator();

@Controller('items')
class ItemsController {
  constructor(private readonly calls: Calls) {}

  @Post('adyen')
  @HttpCode(200)
  @VerifiedWebhook('adyen')
  adyen(@Body() body: { notificationItems: { NotificationRequestItem: { pspReference: string } }[] }) {
    for (const { NotificationRequestItem: item } of body.notificationItems) this.calls.names.push(item.pspReference);
  }
}

function item(pspReference: string): Record<string, unknown> {
  const fields = {
    amount: { currency: 'EUR', value: 1130 },
    eventCode: 'AUTHORISATION',
    merchantAccountCode: 'TestMerchant',
    merchantReference: `order-${pspReference}`,
    pspReference,
    success: 'true',
  };
  return { NotificationRequestItem: { ...fields, additionalData: { hmacSignature: sdk.calculateHmac(fields as never, KEY) } } };
}

const notification = (...items: Record<string, unknown>[]) => JSON.stringify({ live: 'false', notificationItems: items });

describe.each(ADAPTERS)('Signed Adyen items re-sent in another batch (%s)', (adapter) => {
  let t: CallsApp;

  beforeEach(async () => {
    t = await startCallsApp(adapter, ItemsController, () => ({ adyen: { secret: KEY, replay: {} } }));
  });
  afterEach(() => t.close());

  const post = (body: string) => request(t.app.getHttpServer()).post('/items/adyen').set('content-type', 'application/json').send(body);

  it('runs each signed item once, however its items are re-sent: in another order, or one alone', async () => {
    const first = item('8815000000000001');
    const second = item('8815000000000002');
    for (const body of [notification(first, second), notification(second, first), notification(second), notification(first)]) {
      expect([200, 401]).toContain((await post(body)).status);
    }
    expect([...t.calls.names].sort()).toEqual(['8815000000000001', '8815000000000002']);
  });

  it("runs a one-item notification, Adyen's own, once: 200 and a duplicate", async () => {
    const body = notification(item('8815000000000003'));
    await post(body).expect(200);
    await post(body).expect(200);
    expect(t.calls.names).toEqual(['8815000000000003']);
  });
});
