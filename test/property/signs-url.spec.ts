import { BUILT_IN_VERIFIERS, type BuiltInScheme, type WebhookVerifier } from '../../src/index.js';
import { OWN_PROPERTY_TESTS, SCHEME_DESCRIPTIONS } from './scheme-descriptions.js';

// The guard builds no URL for a verifier that declares signsUrl = false; one
// that signed the URL after all would then check an empty one and reject every
// request. The descriptions say independently what each scheme signs.
const declared = (scheme: BuiltInScheme): boolean | undefined => (new BUILT_IN_VERIFIERS[scheme]() as WebhookVerifier).signsUrl;

describe('signsUrl of the built-in verifiers', () => {
  it.each(Object.keys(BUILT_IN_VERIFIERS) as BuiltInScheme[])('%s declares false only when no variant signs the URL', (scheme) => {
    // The schemes with tests of their own sign no URL.
    const signsUrl = !Object.hasOwn(OWN_PROPERTY_TESTS, scheme) && SCHEME_DESCRIPTIONS[scheme]!.some((variant) => variant.signs.includes('url'));
    expect(declared(scheme) !== false).toBe(signsUrl);
  });

  it('spares the URL for at least the schemes that sign only the body, a timestamp or an id', () => {
    const spared = (Object.keys(BUILT_IN_VERIFIERS) as BuiltInScheme[]).filter((scheme) => declared(scheme) === false);
    expect(spared).toEqual(
      expect.arrayContaining([
        'adyen',
        'discord',
        'fullup',
        'github',
        'gitlab',
        'mailgun',
        'noyo',
        'paypal',
        'plaid',
        'postmark',
        'sendgrid',
        'shopify',
        'slack',
        'standardwebhooks',
        'stripe',
        'svix',
        'trophy',
      ]),
    );
    expect(spared).not.toEqual(expect.arrayContaining(['twilio']));
    expect(spared).not.toEqual(expect.arrayContaining(['signalwire']));
  });
});
