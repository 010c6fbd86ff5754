export { WebhookSecurityModule } from './webhook-security.module.js';
export type { WebhookSecurityModuleExtras } from './webhook-security.module-definition.js';
export type { WebhookProviderOptions, WebhookSecurityModuleOptions, WebhookVerificationFailure } from './webhook-security-options.interface.js';
export type { WebhookSecretFunction, WebhookSecretRequest, WebhookSecretResolver, WebhookSecrets } from './webhook-secret-resolver.interface.js';
export { VerifiedWebhook, type VerifiedWebhookOptions } from './verified-webhook.decorator.js';
export { WebhookSignatureGuard } from './webhook-signature.guard.js';
export type { RawBodyRequest, WebhookHttpRequest } from './raw-body.reader.js';
export {
  InvalidWebhookSignatureException,
  WebhookEventHandlerException,
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
export { HmacSchemeVerifier, type HmacSchemeOptions, type SecretEncoding, type TimestampSource } from './verifiers/hmac-scheme.verifier.js';
export { TokenVerifier, type TokenSchemeOptions } from './verifiers/token-scheme.verifier.js';
export type { SchemeDescription } from './verifiers/described-verifier.js';
export type { DeliveryIdSource, EventTypeSource, JsonPath, SchemeMetadata } from './verifiers/scheme-metadata.js';
export { BUILT_IN_SCHEMES } from './verifiers/schemes/index.js';
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
export type { DiagnosisCause, DiagnosisCauseCode, WebhookDiagnosis, WebhookDiagnosisInput } from './diagnose/webhook-diagnosis.interface.js';
export type { ReplayOptions } from './replay/replay-options.interface.js';
export { ReplayStore } from './replay/replay-store.interface.js';
export { MemoryReplayStore, type MemoryReplayStoreOptions } from './replay/memory-replay.store.js';
export { RedisReplayStore, type RedisReplayClient } from './replay/redis-replay.store.js';
export { WebhookReplayFilter } from './replay/webhook-replay.filter.js';
export { DuplicateWebhookException, WebhookReplayStoreUnavailableException } from './replay/replay.exceptions.js';
export { OnWebhookEvent } from './events/on-webhook-event.decorator.js';
export { WebhookEvent } from './events/webhook-event.decorator.js';
export type { UnhandledWebhookEvent, WebhookEventsOptions } from './events/webhook-events-options.interface.js';
export type {
  EventsByType,
  GitHubEvents,
  SelectedEventType,
  SlackEventEnvelope,
  SlackEvents,
  VerifiedWebhookEvent,
  WebhookEventContext,
  WebhookEventMap,
  WebhookEventPayload,
  WebhookEventSelector,
  WebhookEventType,
} from './events/webhook-event-map.interface.js';
export {
  REPLAY_CHANNEL,
  VERIFY_CHANNEL,
  type WebhookReplayDecision,
  type WebhookReplayMessage,
  type WebhookVerificationMessage,
  type WebhookVerificationOutcome,
} from './diagnostics/webhook-diagnostics.channels.js';
export { enableWebhookTelemetry, type WebhookTelemetry, type WebhookTelemetryOptions } from './diagnostics/opentelemetry.bridge.js';
