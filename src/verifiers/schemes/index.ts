import { AUTHORIZE_NET_SCHEME } from './authorize-net.scheme.js';
import { BITBUCKET_SCHEME } from './bitbucket.scheme.js';
import { BOX_SCHEME } from './box.scheme.js';
import { CALENDLY_SCHEME } from './calendly.scheme.js';
import { CASHFREE_SCHEME } from './cashfree.scheme.js';
import { CHECKOUT_COM_SCHEME } from './checkout-com.scheme.js';
import { COINBASE_COMMERCE_SCHEME } from './coinbase-commerce.scheme.js';
import { DOCUSIGN_SCHEME } from './docusign.scheme.js';
import { DROPBOX_SCHEME } from './dropbox.scheme.js';
import { FLUTTERWAVE_SCHEME } from './flutterwave.scheme.js';
import { FULLUP_SCHEME } from './fullup.scheme.js';
import { GITHUB_SCHEME } from './github.scheme.js';
import { GITLAB_SCHEME } from './gitlab.scheme.js';
import { HUBSPOT_SCHEME } from './hubspot.scheme.js';
import { INTERCOM_SCHEME } from './intercom.scheme.js';
import { LEMON_SQUEEZY_SCHEME } from './lemon-squeezy.scheme.js';
import { LINEAR_SCHEME } from './linear.scheme.js';
import { META_SCHEME } from './meta.scheme.js';
import { MOLLIE_SCHEME } from './mollie.scheme.js';
import { NOYO_SCHEME } from './noyo.scheme.js';
import { OKTA_SCHEME } from './okta.scheme.js';
import { PADDLE_SCHEME } from './paddle.scheme.js';
import { PAGERDUTY_SCHEME } from './pagerduty.scheme.js';
import { PAYSTACK_SCHEME } from './paystack.scheme.js';
import { POLAR_SCHEME } from './polar.scheme.js';
import { POSTMARK_SCHEME } from './postmark.scheme.js';
import { RAZORPAY_SCHEME } from './razorpay.scheme.js';
import { RECURLY_SCHEME } from './recurly.scheme.js';
import { SENTRY_SCHEME } from './sentry.scheme.js';
import { SHOPIFY_SCHEME } from './shopify.scheme.js';
import { SLACK_SCHEME } from './slack.scheme.js';
import { SQUARE_SCHEME } from './square.scheme.js';
import { STRIPE_SCHEME } from './stripe.scheme.js';
import { SUPABASE_SCHEME } from './supabase.scheme.js';
import { TELEGRAM_SCHEME } from './telegram.scheme.js';
import { TROPHY_SCHEME } from './trophy.scheme.js';
import { TWITCH_SCHEME } from './twitch.scheme.js';
import { TYPEFORM_SCHEME } from './typeform.scheme.js';
import { VERCEL_SCHEME } from './vercel.scheme.js';
import { WEBFLOW_SCHEME } from './webflow.scheme.js';
import { WOOCOMMERCE_SCHEME } from './woocommerce.scheme.js';
import { WORKOS_SCHEME } from './workos.scheme.js';
import { X_SCHEME } from './x.scheme.js';
import { XENDIT_SCHEME } from './xendit.scheme.js';
import { ZENDESK_SCHEME } from './zendesk.scheme.js';
import { ZOOM_SCHEME } from './zoom.scheme.js';
import type { SchemeDescription } from '../described-verifier.js';

/**
 * The built-in schemes that are data, by the name a provider uses to pick
 * one: lower case, without separators. Each description lives in
 * `<vendor>.scheme.ts`, with JSDoc mirroring the vendor's docs.
 */
export const BUILT_IN_SCHEMES = {
  trophy: TROPHY_SCHEME,
  fullup: FULLUP_SCHEME,
  noyo: NOYO_SCHEME,
  stripe: STRIPE_SCHEME,
  github: GITHUB_SCHEME,
  slack: SLACK_SCHEME,
  shopify: SHOPIFY_SCHEME,
  paddle: PADDLE_SCHEME,
  calendly: CALENDLY_SCHEME,
  workos: WORKOS_SCHEME,
  recurly: RECURLY_SCHEME,
  pagerduty: PAGERDUTY_SCHEME,
  twitch: TWITCH_SCHEME,
  hubspot: HUBSPOT_SCHEME,
  box: BOX_SCHEME,
  docusign: DOCUSIGN_SCHEME,
  gitlab: GITLAB_SCHEME,
  telegram: TELEGRAM_SCHEME,
  xendit: XENDIT_SCHEME,
  flutterwave: FLUTTERWAVE_SCHEME,
  okta: OKTA_SCHEME,
  postmark: POSTMARK_SCHEME,
  polar: POLAR_SCHEME,
  supabase: SUPABASE_SCHEME,
  lemonsqueezy: LEMON_SQUEEZY_SCHEME,
  razorpay: RAZORPAY_SCHEME,
  coinbasecommerce: COINBASE_COMMERCE_SCHEME,
  checkoutcom: CHECKOUT_COM_SCHEME,
  paystack: PAYSTACK_SCHEME,
  mollie: MOLLIE_SCHEME,
  square: SQUARE_SCHEME,
  cashfree: CASHFREE_SCHEME,
  authorizenet: AUTHORIZE_NET_SCHEME,
  woocommerce: WOOCOMMERCE_SCHEME,
  meta: META_SCHEME,
  whatsapp: META_SCHEME,
  instagram: META_SCHEME,
  bitbucket: BITBUCKET_SCHEME,
  intercom: INTERCOM_SCHEME,
  vercel: VERCEL_SCHEME,
  sentry: SENTRY_SCHEME,
  typeform: TYPEFORM_SCHEME,
  dropbox: DROPBOX_SCHEME,
  x: X_SCHEME,
  twitter: X_SCHEME,
  zendesk: ZENDESK_SCHEME,
  webflow: WEBFLOW_SCHEME,
  zoom: ZOOM_SCHEME,
  linear: LINEAR_SCHEME,
} as const satisfies Record<string, SchemeDescription>;
