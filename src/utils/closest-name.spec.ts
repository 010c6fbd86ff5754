import { closestName } from './closest-name.js';

describe('closestName', () => {
  const names = ['stripe', 'github', 'slack', 'shopify', 'standard-webhooks', 'svix'];

  it.each([
    ['strpe', 'stripe'],
    ['Stripe', 'stripe'],
    ['githb', 'github'],
    ['git-hub', 'github'],
    ['shopfy', 'shopify'],
    ['standard_webhooks', 'standard-webhooks'],
    ['standardwebhooks', 'standard-webhooks'],
  ])('suggests %s -> %s', (typo, expected) => {
    expect(closestName(typo, names)).toBe(expected);
  });

  it('suggests a name that starts with the one given, or that it starts with', () => {
    expect(closestName('stripe', ['github', 'stripeConnect'])).toBe('stripeConnect');
    expect(closestName('stripe-connect', names)).toBe('stripe');
    expect(closestName('st', ['stripeConnect'])).toBeUndefined();
  });

  it('suggests nothing for a name far from every candidate, or for no candidates', () => {
    expect(closestName('acme', names)).toBeUndefined();
    expect(closestName('paypal', names)).toBeUndefined();
    expect(closestName('stripe', [])).toBeUndefined();
  });
});
