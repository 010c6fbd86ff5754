import { Module } from '@nestjs/common';
import { WebhookSecurityModule } from '../src/index.js';
import { DemoController } from './demo.controller.js';

/** Secrets from the environment, with demo defaults so the demo runs as is. */
export const DEMO_SECRETS = {
  trophy: process.env.TROPHY_WEBHOOK_SECRET ?? 'demo-trophy-secret',
  fullup: process.env.FULLUP_WEBHOOK_SECRET ?? 'demo-fullup-secret',
  noyo: process.env.NOYO_WEBHOOK_SECRET ?? 'demo-noyo-key',
  signalwire: process.env.SIGNALWIRE_SIGNING_KEY ?? 'PSK_demo_signing_key',
} as const;

@Module({
  imports: [
    WebhookSecurityModule.forRoot({
      providers: {
        trophy: { secret: DEMO_SECRETS.trophy },
        fullup: { secret: DEMO_SECRETS.fullup },
        noyo: { secret: DEMO_SECRETS.noyo },
        signalwire: { secret: DEMO_SECRETS.signalwire },
      },
    }),
  ],
  controllers: [DemoController],
})
export class DemoModule {}
