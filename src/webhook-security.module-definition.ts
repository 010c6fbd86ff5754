import { ConfigurableModuleBuilder } from '@nestjs/common';
import { WEBHOOK_SECURITY_OPTIONS } from './webhook-security.constants.js';
import type { WebhookSecurityModuleOptions } from './webhook-security-options.interface.js';

/** Extra options of `forRoot` and `forRootAsync`. */
export interface WebhookSecurityModuleExtras {
  /**
   * Register the module globally, so `@VerifiedWebhook` works in every module.
   * @default true
   */
  isGlobal?: boolean;
}

/** The base class that gives `WebhookSecurityModule` its `forRoot` and `forRootAsync`. */
export const { ConfigurableModuleClass: ConfigurableWebhookSecurityModule } = new ConfigurableModuleBuilder<WebhookSecurityModuleOptions>({
  optionsInjectionToken: WEBHOOK_SECURITY_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<WebhookSecurityModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
