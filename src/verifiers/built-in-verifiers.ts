import { closestName } from '../utils/closest-name.js';
import { AdyenVerifier } from './adyen.verifier.js';
import { DiscordVerifier } from './discord.verifier.js';
import { MailgunVerifier } from './mailgun.verifier.js';
import { PayPalVerifier } from './paypal.verifier.js';
import { PlaidSandboxVerifier, PlaidVerifier } from './plaid.verifier.js';
import { SendGridVerifier } from './sendgrid.verifier.js';
import { describedVerifierClass, type VerifierClass } from './described-verifier.js';
import { BUILT_IN_SCHEMES } from './schemes/index.js';
import { SignalWireVerifier } from './signalwire.verifier.js';
import { StandardWebhooksVerifier } from './standard-webhooks.verifier.js';
import { SvixVerifier } from './svix.verifier.js';
import { TwilioVerifier } from './twilio.verifier.js';

/**
 * The schemes that need code, and the senders that follow Standard Webhooks
 * with `whsec_<base64>` secrets (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), by name: Clerk and Resend, which send them under the
 * `svix-*` names, Dodo Payments and OpenAI. GitLab's signing tokens are Standard Webhooks too.
 */
const CODED_VERIFIERS = {
  signalwire: SignalWireVerifier,
  twilio: TwilioVerifier,
  standardwebhooks: StandardWebhooksVerifier,
  svix: SvixVerifier,
  clerk: SvixVerifier,
  resend: SvixVerifier,
  dodopayments: StandardWebhooksVerifier,
  openai: StandardWebhooksVerifier,
  discord: DiscordVerifier,
  sendgrid: SendGridVerifier,
  mailgun: MailgunVerifier,
  adyen: AdyenVerifier,
  paypal: PayPalVerifier,
  plaid: PlaidVerifier,
  plaidsandbox: PlaidSandboxVerifier,
} as const satisfies Record<string, VerifierClass>;

type DescribedVerifiers = { readonly [Name in keyof typeof BUILT_IN_SCHEMES]: VerifierClass };

/** The schemes the library ships, by the name a provider uses to pick one. */
export const BUILT_IN_VERIFIERS: DescribedVerifiers & typeof CODED_VERIFIERS = {
  ...(Object.fromEntries(Object.entries(BUILT_IN_SCHEMES).map(([name, scheme]) => [name, describedVerifierClass(scheme, name)])) as DescribedVerifiers),
  ...CODED_VERIFIERS,
};

/** Name of a built-in scheme. */
export type BuiltInScheme = keyof typeof BUILT_IN_VERIFIERS;

/** True when `name` is a built-in scheme. */
export function isBuiltInScheme(name: string): name is BuiltInScheme {
  return Object.hasOwn(BUILT_IN_VERIFIERS, name);
}

/** Says that `name` is no built-in scheme, suggests the nearest one, and lists them all. */
export function unknownSchemeMessage(name: string): string {
  const names = Object.keys(BUILT_IN_VERIFIERS);
  const suggestion = closestName(name, names);
  return `Unknown scheme '${name}'.${suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`} Built-in schemes: ${names.join(', ')}.`;
}
