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

  it('suggests nothing for a name far from every candidate, or for no candidates', () => {
    expect(closestName('acme', names)).toBeUndefined();
    expect(closestName('paypal', names)).toBeUndefined();
    expect(closestName('stripe', [])).toBeUndefined();
  });
});
