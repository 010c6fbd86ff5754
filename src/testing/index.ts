export type { SignInput } from '../verifiers/webhook-verifier.interface.js';
export {
  signWebhook,
  type ConfiguredWebhookProvider,
  type ProviderSignEventInput,
  type ProviderSignInput,
  type SignEventInput,
  type WebhookAppLike,
  type WebhookSigner,
} from './sign-webhook.js';
export {
  createWebhookTestApp,
  lastWebhookRejection,
  WEBHOOK_TEST_SECRETS,
  type TestingModuleBuilderLike,
  type TestingModuleLike,
  type WebhookTestAppOptions,
  type WebhookTestRejection,
  type WebhookTestSecrets,
} from './webhook-test-app.js';
