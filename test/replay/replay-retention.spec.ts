import {
  FullupVerifier,
  GitHubVerifier,
  MailgunVerifier,
  MemoryReplayStore,
  NoyoVerifier,
  ShopifyVerifier,
  SignalWireVerifier,
  SlackVerifier,
  StandardWebhooksVerifier,
  StripeVerifier,
  SvixVerifier,
  TrophyVerifier,
  TwilioVerifier,
} from '../../src/index.js';
import { resolveReplayOptions } from '../../src/replay/replay-options.resolver.js';

const HOUR = 60 * 60;
const DAY = 24 * HOUR;
const store = new MemoryReplayStore();

describe('Replay retention per sender', () => {
  it("is each built-in sender's documented retry window, or 3 days where there is none", () => {
    // The sources are beside each value, in the verifiers.
    expect({
      stripe: new StripeVerifier().replayRetentionSeconds,
      shopify: new ShopifyVerifier().replayRetentionSeconds,
      github: new GitHubVerifier().replayRetentionSeconds,
      slack: new SlackVerifier().replayRetentionSeconds,
      twilio: new TwilioVerifier().replayRetentionSeconds,
      signalwire: new SignalWireVerifier().replayRetentionSeconds,
      standardWebhooks: new StandardWebhooksVerifier().replayRetentionSeconds,
      svix: new SvixVerifier().replayRetentionSeconds,
      noyo: new NoyoVerifier().replayRetentionSeconds,
      trophy: new TrophyVerifier().replayRetentionSeconds,
      fullup: new FullupVerifier().replayRetentionSeconds,
      mailgun: new MailgunVerifier().replayRetentionSeconds,
    }).toEqual({
      stripe: 3 * DAY,
      shopify: 4 * HOUR,
      github: 3 * DAY,
      slack: 600,
      twilio: 3 * DAY,
      signalwire: 3 * DAY,
      standardWebhooks: 3 * DAY,
      svix: 28 * HOUR,
      noyo: 3 * DAY,
      trophy: HOUR,
      fullup: 3 * DAY,
      mailgun: 8 * HOUR,
    });
  });

  it("applies the sender's retention when no ttlSeconds is set, raised to twice the timestamp tolerance", () => {
    expect(resolveReplayOptions('shop', undefined, {}, store, 300, 4 * HOUR)?.ttlMs).toBe(4 * HOUR * 1000);
    expect(resolveReplayOptions('slack', undefined, {}, store, 900, 600)?.ttlMs).toBe(1800 * 1000);
    expect(resolveReplayOptions('custom', undefined, {}, store, 300, undefined)?.ttlMs).toBe(3 * DAY * 1000);
    expect(resolveReplayOptions('custom', undefined, {}, store, 300, Number.NaN)?.ttlMs).toBe(3 * DAY * 1000);
  });

  it("prefers ttlSeconds, the provider's over the module's, to the sender's retention, and checks it", () => {
    expect(resolveReplayOptions('shop', undefined, { ttlSeconds: 7200 }, store, 300, 4 * HOUR)?.ttlMs).toBe(7200 * 1000);
    expect(resolveReplayOptions('shop', { ttlSeconds: DAY }, { ttlSeconds: 7200 }, store, 300, 4 * HOUR)?.ttlMs).toBe(DAY * 1000);
    expect(() => resolveReplayOptions('slack', { ttlSeconds: 600 }, {}, store, 900, 600)).toThrow(
      /'slack': replay\.ttlSeconds must be at least twice the timestamp tolerance \(1800 s\)/,
    );
  });

  it('checks keys of the previous layout under the same prefix, unless checkPreviousKeys is false', () => {
    expect(resolveReplayOptions('a', undefined, {}, store, 300)).toMatchObject({ keyPrefix: 'whr:', previousKeyPrefix: 'webhook-replay:' });
    expect(resolveReplayOptions('a', { keyPrefix: 'billing:' }, {}, store, 300)).toMatchObject({ keyPrefix: 'billing:', previousKeyPrefix: 'billing:' });
    expect(resolveReplayOptions('a', undefined, { checkPreviousKeys: false }, store, 300)?.previousKeyPrefix).toBeUndefined();
  });
});
