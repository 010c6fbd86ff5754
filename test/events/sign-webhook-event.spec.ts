import { createHmac } from 'node:crypto';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { signWebhook } from '../../src/testing/index.js';

const whsec = `whsec_${Buffer.from('sign-webhook-event-key').toString('base64')}`;

/** signWebhook of an event: the body it serialises once, checked by each vendor's SDK, or by node:crypto as its docs describe. */
describe('signWebhook with an event', () => {
  it('Stripe: the JSON of the event, with a header that stripe-node accepts', () => {
    const event = { id: 'evt_1', object: 'event', type: 'invoice.paid', data: { object: { id: 'in_1' } } };
    const { body, headers } = signWebhook('stripe', { secret: 'whsec_sign_test', event });
    expect(body).toBe(JSON.stringify(event));
    expect(Stripe.webhooks.constructEvent(body, headers['stripe-signature']!, 'whsec_sign_test')).toEqual(event);
  });

  it('GitHub: X-GitHub-Event from the type, without the action, and a signature @octokit/webhooks-methods accepts', async () => {
    const event = { action: 'opened', issue: { number: 1 } };
    const { body, headers } = signWebhook('github', { secret: 'gh-secret', type: 'issues.opened', event });
    expect(body).toBe(JSON.stringify(event));
    expect(headers['x-github-event']).toBe('issues');
    expect(await octokitVerify('gh-secret', body, headers['x-hub-signature-256']!)).toBe(true);
    expect(signWebhook('github', { secret: 'gh-secret', type: 'push', event: {} }).headers['x-github-event']).toBe('push');
  });

  it('Shopify: X-Shopify-Topic from the type, and the base64 HMAC-SHA256 of the body', () => {
    const { body, headers } = signWebhook('shopify', { secret: 'shpss_1', type: 'orders/create', event: { id: 1 } });
    expect(headers['x-shopify-topic']).toBe('orders/create');
    // https://shopify.dev/docs/apps/build/webhooks/subscribe/https
    expect(headers['x-shopify-hmac-sha256']).toBe(createHmac('sha256', 'shpss_1').update(body).digest('base64'));
  });

  it('Standard Webhooks: headers the standardwebhooks library accepts, and no event header', () => {
    const event = { type: 'user.created', data: { id: 'u_1' } };
    const { body, headers } = signWebhook('standardwebhooks', { secret: whsec, type: 'user.created', event });
    expect(new Webhook(whsec).verify(body, headers)).toEqual(event);
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
  });

  it('still returns the headers alone for a body', () => {
    const headers = signWebhook('github', { secret: 'gh-secret', body: '{}' });
    expect(Object.keys(headers)).toEqual(['x-hub-signature-256']);
  });
});
