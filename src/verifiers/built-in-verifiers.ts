import { AdyenVerifier } from './adyen.verifier.js';
import { DiscordVerifier } from './discord.verifier.js';
import { FullupVerifier } from './fullup.verifier.js';
import { GitHubVerifier } from './github.verifier.js';
import { MailgunVerifier } from './mailgun.verifier.js';
import { NoyoVerifier } from './noyo.verifier.js';
import { PayPalVerifier } from './paypal.verifier.js';
import { PlaidSandboxVerifier, PlaidVerifier } from './plaid.verifier.js';
import { SendGridVerifier } from './sendgrid.verifier.js';
import { ShopifyVerifier } from './shopify.verifier.js';
import { SignalWireVerifier } from './signalwire.verifier.js';
import { SlackVerifier } from './slack.verifier.js';
import { StandardWebhooksVerifier } from './standard-webhooks.verifier.js';
import { StripeVerifier } from './stripe.verifier.js';
import { SvixVerifier } from './svix.verifier.js';
import { TrophyVerifier } from './trophy.verifier.js';
import { TwilioVerifier } from './twilio.verifier.js';
import type { VerifierOptions, WebhookVerifier } from './webhook-verifier.interface.js';

/** The schemes the library ships, by the name a provider uses to pick one. */
export const BUILT_IN_VERIFIERS = {
  trophy: TrophyVerifier,
  fullup: FullupVerifier,
  noyo: NoyoVerifier,
  signalwire: SignalWireVerifier,
  stripe: StripeVerifier,
  github: GitHubVerifier,
  slack: SlackVerifier,
  shopify: ShopifyVerifier,
  twilio: TwilioVerifier,
  standardwebhooks: StandardWebhooksVerifier,
  svix: SvixVerifier,
  discord: DiscordVerifier,
  sendgrid: SendGridVerifier,
  mailgun: MailgunVerifier,
  adyen: AdyenVerifier,
  paypal: PayPalVerifier,
  plaid: PlaidVerifier,
  plaidsandbox: PlaidSandboxVerifier,
} as const satisfies Record<string, new (options?: VerifierOptions) => WebhookVerifier>;

/** Name of a built-in scheme. */
export type BuiltInScheme = keyof typeof BUILT_IN_VERIFIERS;

/** True when `name` is a built-in scheme. */
export function isBuiltInScheme(name: string): name is BuiltInScheme {
  return Object.hasOwn(BUILT_IN_VERIFIERS, name);
}
