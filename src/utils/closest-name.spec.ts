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

  it('allows a third of the name in edits, at least 1 and at most 3', () => {
    // 4 characters: 1 edit, not 2 (a swap is 2).
    expect(closestName('svxi', names)).toBeUndefined();
    expect(closestName('svxx', names)).toBe('svix');
    // 6 characters: 2 edits.
    expect(closestName('githbu', names)).toBe('github');
    // 16 characters: 3 edits, not 4, nor 5.
    expect(closestName('standard-webhxxxs', names)).toBe('standard-webhooks');
    expect(closestName('standard-webhxxxx', names)).toBeUndefined();
  });

  it('suggests the first of two candidates as near', () => {
    expect(closestName('slap', ['slip', 'slop'])).toBe('slip');
    expect(closestName('slap', ['slop', 'slip'])).toBe('slop');
  });

  it('suggests a name it starts with from three characters', () => {
    expect(closestName('sla', names)).toBe('slack');
    expect(closestName('sl', ['slack'])).toBeUndefined();
  });

  it('suggests nothing for a name far from every candidate, or for no candidates', () => {
    expect(closestName('acme', names)).toBeUndefined();
    expect(closestName('paypal', names)).toBeUndefined();
    expect(closestName('stripe', [])).toBeUndefined();
  });

  it('folds case to lower case, so letters that lower-casing keeps apart stay apart', () => {
    // Upper-casing would make the dotless ı an I, and so 'ıııııı' the same name as 'iiiiii'.
    expect(closestName('ıııııı', ['iiiiii'])).toBeUndefined();
    expect(closestName('IIIIII', ['iiiiii'])).toBe('iiiiii');
  });
});
