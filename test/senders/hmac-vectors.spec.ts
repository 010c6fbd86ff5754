import { jest } from '@jest/globals';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { Cashfree, CFEnvironment } from 'cashfree-pg';
import coinbase from 'coinbase-commerce-node';
import { SignatureValidator as MollieSignatureValidator } from 'mollie-api-typescript/utils/webhooks/signature_validator.js';
import Razorpay from 'razorpay';
import { WebhooksHelper as SquareWebhooksHelper } from 'square';
import { WebflowClient } from 'webflow-api';
import { flipByte, webhookRequest } from '../support/webhook-request.js';
import { HmacSchemeVerifier, type HmacSchemeOptions } from '../../src/verifiers/hmac-scheme.verifier.js';
import { BUILT_IN_SCHEMES } from '../../src/verifiers/schemes/index.js';
import { AUTHORIZE_NET_SCHEME } from '../../src/verifiers/schemes/authorize-net.scheme.js';
import { BITBUCKET_SCHEME } from '../../src/verifiers/schemes/bitbucket.scheme.js';
import { CASHFREE_SCHEME } from '../../src/verifiers/schemes/cashfree.scheme.js';
import { CHECKOUT_COM_SCHEME } from '../../src/verifiers/schemes/checkout-com.scheme.js';
import { COINBASE_COMMERCE_SCHEME } from '../../src/verifiers/schemes/coinbase-commerce.scheme.js';
import { DROPBOX_SCHEME } from '../../src/verifiers/schemes/dropbox.scheme.js';
import { INTERCOM_SCHEME } from '../../src/verifiers/schemes/intercom.scheme.js';
import { LEMON_SQUEEZY_SCHEME } from '../../src/verifiers/schemes/lemon-squeezy.scheme.js';
import { LINEAR_SCHEME } from '../../src/verifiers/schemes/linear.scheme.js';
import { META_SCHEME } from '../../src/verifiers/schemes/meta.scheme.js';
import { MOLLIE_SCHEME } from '../../src/verifiers/schemes/mollie.scheme.js';
import { PAGERDUTY_SCHEME } from '../../src/verifiers/schemes/pagerduty.scheme.js';
import { PAYSTACK_SCHEME } from '../../src/verifiers/schemes/paystack.scheme.js';
import { RAZORPAY_SCHEME } from '../../src/verifiers/schemes/razorpay.scheme.js';
import { SENTRY_SCHEME } from '../../src/verifiers/schemes/sentry.scheme.js';
import { SQUARE_SCHEME } from '../../src/verifiers/schemes/square.scheme.js';
import { TYPEFORM_SCHEME } from '../../src/verifiers/schemes/typeform.scheme.js';
import { VERCEL_SCHEME } from '../../src/verifiers/schemes/vercel.scheme.js';
import { WEBFLOW_SCHEME } from '../../src/verifiers/schemes/webflow.scheme.js';
import { WOOCOMMERCE_SCHEME } from '../../src/verifiers/schemes/woocommerce.scheme.js';
import { X_SCHEME } from '../../src/verifiers/schemes/x.scheme.js';
import { ZENDESK_SCHEME } from '../../src/verifiers/schemes/zendesk.scheme.js';
import { ZOOM_SCHEME } from '../../src/verifiers/schemes/zoom.scheme.js';

/** 2026-01-15T12:00:00Z, the signing time of every timestamped vector. */
const NOW = Date.UTC(2026, 0, 15, 12);
/** A JSON body with non-ASCII text, so that a verifier hashing anything but the bytes received fails. */
const BODY = '{"id":"evt_1","type":"order.created","note":"café ✓"}';
/** Linear's SDK also requires a fresh `webhookTimestamp` in the signed body. */
const LINEAR_BODY = '{"action":"create","type":"Issue","data":{"id":"iss_1","title":"café ✓"},"webhookTimestamp":1768478400000}';
const SQUARE_URL = 'https://example.com/webhooks/square';

/** What a sender's own SDK says about a request. */
type VendorCheck = (body: string, headers: Record<string, string>, secret: string, url: string) => boolean | Promise<boolean>;

/**
 * One delivery as the sender makes it. Each vector's signature was computed
 * outside this library (`openssl dgst -hmac`, recipe in `source`), and where
 * the sender publishes an SDK that verifies, `vendorAccepts` runs it on the
 * same vector.
 */
interface SenderVector {
  readonly name: string;
  readonly scheme: HmacSchemeOptions;
  readonly secret: string;
  readonly body: string;
  readonly url?: string;
  /** The headers as the sender sends them. */
  readonly headers: Record<string, string>;
  /** Where the expected signature comes from. */
  readonly source: string;
  readonly vendorAccepts?: VendorCheck;
}

/** A check that throws on a bad signature, read as a verdict. */
const passes = async (check: () => unknown): Promise<boolean> => {
  try {
    return (await check()) !== false;
  } catch {
    return false;
  }
};

const SENDERS: readonly SenderVector[] = [
  {
    name: 'lemonsqueezy',
    scheme: LEMON_SQUEEZY_SCHEME,
    secret: 'ls_signing_secret',
    body: BODY,
    headers: { 'X-Signature': 'dcbadec9c5edd65a722ebc672728d7943ae597a1c7e3c53ed8808ae0742e28fe', 'X-Event-Name': 'order_created' },
    // No SDK verifies; Lemon Squeezy docs, "Signing Requests": HMAC hex digest of the payload.
    source: 'printf \'%s\' "$BODY" | openssl dgst -sha256 -hmac ls_signing_secret',
  },
  {
    name: 'razorpay',
    scheme: RAZORPAY_SCHEME,
    secret: 'rzp_webhook_secret',
    body: BODY,
    headers: { 'X-Razorpay-Signature': '7a5509a94c9b5e16464a631fa6c13af48b85af3c8c73153517adeb6d17a805eb' },
    source: "openssl dgst -sha256 -hmac rzp_webhook_secret; razorpay's validateWebhookSignature accepts it",
    vendorAccepts: (body, headers, secret) => Razorpay.validateWebhookSignature(body, headers['X-Razorpay-Signature']!, secret),
  },
  {
    name: 'coinbasecommerce',
    scheme: COINBASE_COMMERCE_SCHEME,
    secret: 'cc_shared_secret',
    body: BODY,
    headers: { 'X-CC-Webhook-Signature': 'a08800c4cf0073289725aa9ef567c4b901fe2e05f947ff45bc65425221188329' },
    source: "openssl dgst -sha256 -hmac cc_shared_secret; coinbase-commerce-node's Webhook.verifySigHeader accepts it",
    vendorAccepts: (body, headers, secret) => passes(() => coinbase.Webhook.verifySigHeader(body, headers['X-CC-Webhook-Signature']!, secret)),
  },
  {
    name: 'checkoutcom',
    scheme: CHECKOUT_COM_SCHEME,
    secret: 'cko_signature_key',
    body: BODY,
    headers: { 'Cko-Signature': 'ceb501c7bac801269b1e2730d317a3b4d8174f8239472a5298809be5765904a8' },
    // No SDK verifies; Checkout.com docs, "Set up your webhook receiver" → webhook signature: HMAC-SHA256 of the body, hex.
    source: 'openssl dgst -sha256 -hmac cko_signature_key',
  },
  {
    name: 'paystack',
    scheme: PAYSTACK_SCHEME,
    secret: 'sk_test_paystack',
    body: BODY,
    headers: {
      'x-paystack-signature':
        'acdfd5ec6e294f675dc041544d0bf61b58c97596730bf8fdfd98d0157e3176170e44947f8e56af0e7021a595d8f91607162fa43fdbaac02d624cfb44256a5b87',
    },
    // No SDK verifies; Paystack docs, "Webhooks" → "Verify event origin" (PaystackOSS/doc-code-snippets verifying-transaction).
    source: 'openssl dgst -sha512 -hmac sk_test_paystack',
  },
  {
    name: 'mollie',
    scheme: MOLLIE_SCHEME,
    secret: 'mollie_signing_secret',
    body: BODY,
    headers: { 'X-Mollie-Signature': 'sha256=c63da5640f1e4146c6d50f0eded448c309bc061b763c7a53e0b19ee68674e85a' },
    source: "openssl dgst -sha256 -hmac mollie_signing_secret; mollie-api-typescript's SignatureValidator accepts it",
    vendorAccepts: (body, headers, secret) => passes(() => MollieSignatureValidator.validate(body, secret, headers['X-Mollie-Signature'])),
  },
  {
    name: 'meta',
    scheme: META_SCHEME,
    secret: 'meta_app_secret',
    body: BODY,
    headers: { 'X-Hub-Signature-256': 'sha256=86d57dd547fa46598d9c56ad03d7ffff6628da2b04582bb73f0c4080d46313c8' },
    // No SDK verifies; Meta Graph API docs, "Webhooks → Getting started → Validate payloads".
    source: 'openssl dgst -sha256 -hmac meta_app_secret',
  },
  {
    name: 'bitbucket',
    scheme: BITBUCKET_SCHEME,
    secret: 'bitbucket_secret',
    body: BODY,
    headers: { 'X-Hub-Signature': 'sha256=05a35bd2d71daf316f63d17bec7056c3abc929821144c7917c4d51529a2a176c' },
    // No SDK verifies; Bitbucket Cloud docs, "Manage webhooks → Secure webhooks".
    source: 'openssl dgst -sha256 -hmac bitbucket_secret',
  },
  {
    name: 'intercom',
    scheme: INTERCOM_SCHEME,
    secret: 'intercom_client_secret',
    body: BODY,
    headers: { 'X-Hub-Signature': 'sha1=90207832d0b27ec1b3f2e18bc42aedc68b486216' },
    // No SDK verifies; Intercom API reference, "Signed Notifications": hex HMAC-SHA1 after `sha1=`.
    source: 'openssl dgst -sha1 -hmac intercom_client_secret',
  },
  {
    name: 'vercel',
    scheme: VERCEL_SCHEME,
    secret: 'vercel_webhook_secret',
    body: BODY,
    headers: { 'x-vercel-signature': '4b3df8327ab066b1cde1b42bf96b46cceb64f0dc' },
    // No SDK verifies; Vercel docs, "Webhooks API → Securing webhooks": hex HMAC-SHA1 of the body.
    source: 'openssl dgst -sha1 -hmac vercel_webhook_secret',
  },
  {
    name: 'sentry',
    scheme: SENTRY_SCHEME,
    secret: 'sentry_client_secret',
    body: BODY,
    headers: { 'Sentry-Hook-Signature': 'cf852105598c424639af1eee203e1a91f7db5ff310da7d673d2bd59b50509ac9', 'Sentry-Hook-Resource': 'issue' },
    // No SDK verifies; Sentry docs, "Integration platform → Webhooks → Verifying the signature".
    source: 'openssl dgst -sha256 -hmac sentry_client_secret',
  },
  {
    name: 'typeform',
    scheme: TYPEFORM_SCHEME,
    secret: 'typeform_secret',
    body: BODY,
    headers: { 'Typeform-Signature': 'sha256=g1wIWJKGKbKES2kaJETqBhKm9KSKfx9saVKhpf3n6rs=' },
    // No SDK verifies; Typeform docs, "Secure your webhooks": base64 HMAC-SHA256 after `sha256=`.
    source: 'openssl dgst -sha256 -hmac typeform_secret -binary | base64',
  },
  {
    name: 'dropbox',
    scheme: DROPBOX_SCHEME,
    secret: 'dropbox_app_secret',
    body: BODY,
    headers: { 'X-Dropbox-Signature': '56f0043602bef13020251703a6c0901ad003fd02a19546ad937c775352f297fa' },
    // No SDK verifies; Dropbox docs, "Webhooks → Receiving notifications".
    source: 'openssl dgst -sha256 -hmac dropbox_app_secret',
  },
  {
    name: 'x',
    scheme: X_SCHEME,
    secret: 'x_consumer_secret',
    body: BODY,
    headers: { 'x-twitter-webhooks-signature': 'sha256=otyMAvcG/f0YlbdTs2/AXWAiy8iCSQ4xpyuyV5xctCY=' },
    // No SDK verifies; X docs, "Webhooks → Security → signature verification": base64 HMAC-SHA256 after `sha256=`.
    source: 'openssl dgst -sha256 -hmac x_consumer_secret -binary | base64',
  },
  {
    name: 'authorizenet',
    scheme: AUTHORIZE_NET_SCHEME,
    secret: 'ANET_SIGNATURE_KEY_0123456789ABCDEF',
    body: BODY,
    headers: {
      'X-ANET-Signature':
        'sha512=ABA26AD0FA6C48B9004A31A3E5EEF696E411539940FB2D80130B3CD2C9A80BBBA6DA66D696264E3E9B84A33EE994EBED8D1F50537C29ED749753B6221EA14095',
    },
    // No SDK verifies; Authorize.Net docs, "Webhooks → Verifying the notification": uppercase hex HMAC-SHA512, the key as text.
    source: 'openssl dgst -sha512 -hmac ANET_SIGNATURE_KEY_0123456789ABCDEF | tr a-f A-F',
  },
  {
    name: 'square',
    scheme: SQUARE_SCHEME,
    secret: 'square_signature_key',
    body: BODY,
    url: SQUARE_URL,
    headers: { 'x-square-hmacsha256-signature': 'mEKqu315IAw4uM0eioBCQhSMq1FmzqISJyvzP7gB84k=' },
    source:
      'printf \'%s%s\' "$URL" "$BODY" | openssl dgst -sha256 -hmac square_signature_key -binary | base64; square\'s WebhooksHelper.verifySignature accepts it',
    vendorAccepts: (body, headers, secret, url) =>
      SquareWebhooksHelper.verifySignature({
        requestBody: body,
        signatureHeader: headers['x-square-hmacsha256-signature']!,
        signatureKey: secret,
        notificationUrl: url,
      }),
  },
  {
    name: 'zendesk',
    scheme: ZENDESK_SCHEME,
    secret: 'zendesk_signing_secret',
    body: BODY,
    headers: { 'X-Zendesk-Webhook-Signature': '+bw+2rb5H+NCWG+oXLWfxPOX8rUF4j9s+auPZchwS7I=', 'X-Zendesk-Webhook-Signature-Timestamp': '2026-01-15T12:00:00Z' },
    // No SDK verifies; Zendesk docs, "Verifying webhook authenticity": base64(HMACSHA256(TIMESTAMP + BODY)).
    source: 'printf \'%s%s\' "$TIMESTAMP" "$BODY" | openssl dgst -sha256 -hmac zendesk_signing_secret -binary | base64',
  },
  {
    name: 'webflow',
    scheme: WEBFLOW_SCHEME,
    secret: 'webflow_client_secret',
    body: BODY,
    headers: { 'x-webflow-signature': 'd15f2964a10f4ca020b654e69bdbb312d81e11e3174d076b5a53662f05df0717', 'x-webflow-timestamp': '1768478400000' },
    source: 'printf \'%s:%s\' "$TIMESTAMP" "$BODY" | openssl dgst -sha256 -hmac webflow_client_secret; webflow-api\'s webhooks.verifySignature accepts it',
    vendorAccepts: (body, headers, secret) =>
      new WebflowClient({ accessToken: 'unused' }).webhooks.verifySignature({
        headers: { 'x-webflow-timestamp': headers['x-webflow-timestamp']!, 'x-webflow-signature': headers['x-webflow-signature']! },
        body,
        secret,
      }),
  },
  {
    name: 'zoom',
    scheme: ZOOM_SCHEME,
    secret: 'zoom_secret_token',
    body: BODY,
    headers: { 'x-zm-signature': 'v0=5b9434548dcd448087f0d372d13134fb8f73bae735bbc2e76e2681c70bd54c10', 'x-zm-request-timestamp': '1768478400' },
    // @zoom/rivet verifies only inside its receivers, over JSON.stringify of a parsed body; Zoom docs, "Using webhooks → Verify webhook events".
    source: 'printf \'v0:%s:%s\' "$TIMESTAMP" "$BODY" | openssl dgst -sha256 -hmac zoom_secret_token',
  },
  {
    name: 'cashfree',
    scheme: CASHFREE_SCHEME,
    secret: 'cashfree_client_secret',
    body: BODY,
    headers: { 'x-webhook-signature': 'edBVIHdrNgEtGG7B0Wkuy9DF4QSqH5B4dZhMT5KQkUA=', 'x-webhook-timestamp': '1768478400000' },
    source:
      'printf \'%s%s\' "$TIMESTAMP" "$BODY" | openssl dgst -sha256 -hmac cashfree_client_secret -binary | base64; cashfree-pg\'s PGVerifyWebhookSignature accepts it',
    vendorAccepts: (body, headers, secret) =>
      passes(() =>
        new Cashfree(CFEnvironment.SANDBOX, 'client-id', secret).PGVerifyWebhookSignature(
          headers['x-webhook-signature']!,
          body,
          headers['x-webhook-timestamp']!,
        ),
      ),
  },
  {
    name: 'linear',
    scheme: LINEAR_SCHEME,
    secret: 'lin_wh_signing_secret',
    body: LINEAR_BODY,
    headers: { 'Linear-Signature': '6f7b8b4529b3858375c59684bc2363b774d7e7d89f9011fc4d18f3500084e936', 'Linear-Event': 'Issue' },
    source: "openssl dgst -sha256 -hmac lin_wh_signing_secret; @linear/sdk's LinearWebhookClient.verify accepts it",
    vendorAccepts: (body, headers, secret) => passes(() => new LinearWebhookClient(secret).verify(Buffer.from(body), headers['Linear-Signature']!)),
  },
  {
    name: 'pagerduty',
    scheme: PAGERDUTY_SCHEME,
    secret: 'pd_signing_secret',
    body: BODY,
    headers: {
      // Mid-rotation: the previous secret's signature first, then this secret's.
      'X-PagerDuty-Signature':
        'v1=cb4c3f30cf4588af2b258d6030538016631de00f083347ddcc0ddf7be95080c3,v1=989f1bdf8a062b24f27cd4248fcf202e0c6a59e234cf5bd4af4db23ca38089c6',
    },
    // No npm SDK verifies (go-pagerduty's webhookv3 does); PagerDuty developer docs, "Verifying Signatures".
    source: 'openssl dgst -sha256 -hmac pd_previous_secret, then -hmac pd_signing_secret',
  },
  {
    name: 'woocommerce',
    scheme: WOOCOMMERCE_SCHEME,
    secret: 'woo_webhook_secret',
    body: BODY,
    headers: { 'X-WC-Webhook-Signature': 'cuizC1y0cDj2siXgN6FdQMzzM/1+UFIuJ5uo6fQGiEg=', 'X-WC-Webhook-Topic': 'order.created' },
    // No SDK verifies; WooCommerce REST API docs, "Webhooks", and WC_Webhook::generate_signature (base64 of the raw HMAC).
    source: 'openssl dgst -sha256 -hmac woo_webhook_secret -binary | base64',
  },
];

const lowerCaseKeys = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

describe.each(SENDERS.map((sender) => [sender.name, sender] as const))('%s', (_name, sender) => {
  const verifier = new HmacSchemeVerifier(sender.scheme, { clock: () => NOW });
  const url = sender.url ?? 'https://example.com/webhooks';
  const verify = (body: string | Buffer, headers = sender.headers, secrets = [sender.secret], at = verifier) =>
    at.verify(webhookRequest(body, headers, url), secrets);
  // Every sender here names one signature header, and a timestamp in a header of its own.
  const signatureHeader = [sender.scheme.header].flat()[0]!;
  const timestampHeader = sender.scheme.timestamp && 'header' in sender.scheme.timestamp ? sender.scheme.timestamp.header : undefined;

  it('accepts the vector', () => {
    expect(verify(sender.body)).toEqual({ verified: true });
  });

  it('is the built-in scheme of its name', () => {
    expect(BUILT_IN_SCHEMES[sender.name as keyof typeof BUILT_IN_SCHEMES]).toBe(sender.scheme);
  });

  it('signs what the sender signs', () => {
    const signed = verifier.sign({
      secret: sender.secret,
      body: sender.body,
      url,
      timestamp: timestampHeader && lowerCaseKeys(sender.headers)[timestampHeader],
    });
    // Hex is read case-insensitively (Authorize.Net writes it in uppercase); a list holds the signature among others.
    const normalise = (value: string) => (sender.scheme.encoding === 'hex' ? value.toLowerCase() : value);
    const header = lowerCaseKeys(sender.headers)[signatureHeader]!;
    const entries = sender.scheme.separator ? header.split(sender.scheme.separator) : [header];
    expect(entries.map((entry) => normalise(entry.trim()))).toContain(normalise(signed[signatureHeader]!));
  });

  it('rejects the body with one byte changed', () => {
    expect(verify(flipByte(sender.body))).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('rejects the wrong secret', () => {
    expect(verify(sender.body, sender.headers, [`${sender.secret}x`])).toEqual({ verified: false, reason: 'no_matching_signature' });
  });

  it('rejects a missing signature header', () => {
    const { [signatureHeader]: _dropped, ...others } = lowerCaseKeys(sender.headers);
    expect(verify(sender.body, others)).toEqual({ verified: false, reason: 'missing_header' });
  });

  if (sender.scheme.timestamp) {
    it('rejects the vector once it is older than the tolerance', () => {
      const later = new HmacSchemeVerifier(sender.scheme, { clock: () => NOW + 301_000 });
      expect(verify(sender.body, sender.headers, [sender.secret], later)).toEqual({ verified: false, reason: 'timestamp_out_of_tolerance' });
    });
  }

  const vendorAccepts = sender.vendorAccepts;
  if (vendorAccepts) {
    describe("the sender's SDK", () => {
      beforeEach(() => {
        jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      });
      afterEach(() => {
        jest.useRealTimers();
      });

      it('accepts the vector', async () => {
        expect(await vendorAccepts(sender.body, sender.headers, sender.secret, url)).toBe(true);
      });

      it('rejects what this library rejects: a changed byte and the wrong secret', async () => {
        expect(await vendorAccepts(flipByte(sender.body).toString(), sender.headers, sender.secret, url)).toBe(false);
        expect(await vendorAccepts(sender.body, sender.headers, `${sender.secret}x`, url)).toBe(false);
      });
    });
  }
});

it('registers Meta under the names of its products too, and X under its former name', () => {
  expect([BUILT_IN_SCHEMES.whatsapp, BUILT_IN_SCHEMES.instagram]).toEqual([META_SCHEME, META_SCHEME]);
  expect(BUILT_IN_SCHEMES.twitter).toBe(X_SCHEME);
});

/**
 * Delivery ids and event types, read from a body shaped like the sender's
 * own example payload once the signature verified. Only a signed JSON id is
 * a delivery id; the others key replay protection on the signed content.
 */
describe.each([
  ['lemonsqueezy', '{"meta":{"event_name":"order_created","webhook_id":"wh_1"},"data":{"id":"1"}}', {}, undefined, 'order_created'],
  ['razorpay', '{"entity":"event","event":"payment.captured","payload":{}}', { 'x-razorpay-event-id': 'unsigned' }, undefined, 'payment.captured'],
  ['coinbasecommerce', '{"id":"att_1","event":{"id":"evt_cb","type":"charge:confirmed"}}', {}, 'event:evt_cb', 'charge:confirmed'],
  ['checkoutcom', '{"id":"evt_cko","type":"payment_approved","data":{}}', {}, 'event:evt_cko', 'payment_approved'],
  ['paystack', '{"event":"charge.success","data":{"id":302961}}', {}, undefined, 'charge.success'],
  ['mollie', '{"resource":"event","id":"event_GvJ8","type":"payment-link.paid","entityId":"pl_1"}', {}, 'event:event_GvJ8', 'payment-link.paid'],
  ['meta', '{"object":"whatsapp_business_account","entry":[]}', {}, undefined, 'whatsapp_business_account'],
  ['bitbucket', '{"push":{}}', { 'x-event-key': 'repo:push', 'x-request-uuid': 'unsigned' }, undefined, 'repo:push'],
  ['intercom', '{"type":"notification_event","id":"notif_78c1","topic":"user.created"}', {}, 'event:notif_78c1', 'user.created'],
  ['vercel', '{"id":"vhk_1","type":"deployment.succeeded","payload":{}}', {}, 'event:vhk_1', 'deployment.succeeded'],
  ['sentry', '{"action":"created","data":{}}', { 'sentry-hook-resource': 'issue', 'request-id': 'unsigned' }, undefined, 'issue.created'],
  ['typeform', '{"event_id":"01HTF","event_type":"form_response","form_response":{}}', {}, 'event:01HTF', 'form_response'],
  ['dropbox', '{"list_folder":{"accounts":["dbid:1"]}}', {}, undefined, undefined],
  ['x', '{"for_user_id":"1","tweet_create_events":[]}', {}, undefined, undefined],
  [
    'authorizenet',
    '{"notificationId":"d0e8e7fe","eventType":"net.authorize.payment.authcapture.created","payload":{}}',
    {},
    'event:d0e8e7fe',
    'net.authorize.payment.authcapture.created',
  ],
  ['square', '{"merchant_id":"M1","type":"payment.updated","event_id":"6a8f5f28","data":{}}', {}, 'event:6a8f5f28', 'payment.updated'],
  ['zendesk', '{"type":"zen:event-type:ticket.created","id":"cbe4028c","detail":{}}', {}, 'event:cbe4028c', 'zen:event-type:ticket.created'],
  ['webflow', '{"triggerType":"form_submission","payload":{}}', {}, undefined, 'form_submission'],
  ['zoom', '{"event":"meeting.started","payload":{}}', { 'x-zm-trackingid': 'unsigned' }, undefined, 'meeting.started'],
  ['cashfree', '{"type":"PAYMENT_SUCCESS_WEBHOOK","data":{}}', {}, undefined, 'PAYMENT_SUCCESS_WEBHOOK'],
  ['linear', '{"action":"create","type":"Issue","data":{},"webhookTimestamp":1768478400000}', { 'linear-delivery': 'unsigned' }, undefined, 'Issue'],
  ['woocommerce', '{"id":727,"status":"processing"}', { 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-delivery-id': 'unsigned' }, undefined, undefined],
] as const)('%s metadata', (name, body, extraHeaders, deliveryId, eventType) => {
  const sender = SENDERS.find((candidate) => candidate.name === name)!;
  const verifier = new HmacSchemeVerifier(sender.scheme, { clock: () => NOW });
  const headers = {
    ...verifier.sign({ secret: sender.secret, body, url: sender.url ?? 'https://example.com/webhooks', timestamp: new Date(NOW) }),
    ...extraHeaders,
  };
  const request = webhookRequest(body, headers, sender.url ?? 'https://example.com/webhooks');

  it('reads the event type and the signed delivery id of a request that verified', () => {
    expect(verifier.verify(request, [sender.secret])).toEqual({ verified: true });
    expect(verifier.eventType(request)).toBe(eventType);
    if (deliveryId) expect(verifier.deliveryId(request)).toBe(deliveryId);
    // Without a signed id, the key is a hash of the signed content: never an unsigned header's value.
    else expect(verifier.deliveryId(request)).toMatch(/^signed:/);
  });
});

it('covers every sender once', () => {
  const names = SENDERS.map((sender) => sender.name);
  expect(new Set(names).size).toBe(names.length);
  expect(names).toHaveLength(23);
});
