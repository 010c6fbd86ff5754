export { WebhookSecurityModule } from './webhook-security.module.js';
export type { WebhookSecurityModuleExtras } from './webhook-security.module-definition.js';
export type {
  WebhookProviderOptions,
  WebhookSecurityModuleOptions,
  WebhookVerificationFailure,
} from './webhook-security-options.interface.js';
export type {
  WebhookSecretFunction,
  WebhookSecretRequest,
  WebhookSecretResolver,
  WebhookSecrets,
} from './webhook-secret-resolver.interface.js';
export { VerifiedWebhook } from './verified-webhook.decorator.js';
export { WebhookSignatureGuard } from './webhook-signature.guard.js';
export type { RawBodyRequest, WebhookHttpRequest } from './raw-body.reader.js';
export {
  InvalidWebhookSignatureException,
  WebhookPayloadTooLargeException,
  WebhookSecurityConfigurationError,
  WebhookSecurityMisconfiguredException,
} from './webhook-security.exceptions.js';
export { WEBHOOK_PROVIDER_METADATA } from './webhook-security.constants.js';
export type {
  SignInput,
  VerificationFailureReason,
  VerificationResult,
  VerifierOptions,
  WebhookRequest,
  WebhookHandshakeReply,
  WebhookVerifier,
} from './verifiers/webhook-verifier.interface.js';
export { BUILT_IN_VERIFIERS, type BuiltInScheme } from './verifiers/built-in-verifiers.js';
export { HmacSchemeVerifier, type HmacSchemeOptions } from './verifiers/hmac-scheme.verifier.js';
export { FormPostVerifier, MAX_FORM_BYTES, MAX_FORM_PARAMETERS } from './verifiers/form-post.verifier.js';
export { TrophyVerifier } from './verifiers/trophy.verifier.js';
export { FullupVerifier } from './verifiers/fullup.verifier.js';
export { NoyoVerifier } from './verifiers/noyo.verifier.js';
export { SignalWireVerifier } from './verifiers/signalwire.verifier.js';
export { StripeVerifier } from './verifiers/stripe.verifier.js';
export { GitHubVerifier } from './verifiers/github.verifier.js';
export { SlackVerifier } from './verifiers/slack.verifier.js';
export { ShopifyVerifier } from './verifiers/shopify.verifier.js';
export { TwilioVerifier } from './verifiers/twilio.verifier.js';
export { MAX_ED25519_VERIFICATIONS, StandardWebhooksVerifier } from './verifiers/standard-webhooks.verifier.js';
export { SvixVerifier } from './verifiers/svix.verifier.js';
export { DiscordVerifier } from './verifiers/discord.verifier.js';
export { SendGridVerifier } from './verifiers/sendgrid.verifier.js';
export { MailgunVerifier } from './verifiers/mailgun.verifier.js';
export { AdyenVerifier } from './verifiers/adyen.verifier.js';
export { PayPalVerifier } from './verifiers/paypal.verifier.js';
export { PlaidSandboxVerifier, PlaidVerifier } from './verifiers/plaid.verifier.js';
export type { HmacAlgorithm, SignatureEncoding } from './utils/signature.js';
export type { TimestampFormat } from './utils/timestamp.js';
export { diagnoseWebhook } from './diagnose/webhook-diagnosis.js';
export type {
  DiagnosisCause,
  DiagnosisCauseCode,
  WebhookDiagnosis,
  WebhookDiagnosisInput,
} from './diagnose/webhook-diagnosis.interface.js';
export type { ReplayOptions } from './replay/replay-options.interface.js';
export { ReplayStore } from './replay/replay-store.interface.js';
export { MemoryReplayStore, type MemoryReplayStoreOptions } from './replay/memory-replay.store.js';
export { RedisReplayStore, type RedisReplayClient } from './replay/redis-replay.store.js';
export { WebhookReplayFilter } from './replay/webhook-replay.filter.js';
export { DuplicateWebhookException, WebhookReplayStoreUnavailableException } from './replay/replay.exceptions.js';
