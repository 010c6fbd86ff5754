import { Controller, HttpCode, Module, Post, Req } from '@nestjs/common';
import { VerifiedWebhook, WebhookSecurityModule, type RawBodyRequest } from '../../src/index.js';

/** What reached the handlers of the test app. */
export class Received {
  readonly bodies: string[] = [];
}

@Controller('webhooks')
export class PaymentsController {
  constructor(private readonly received: Received) {}

  @Post('stripe')
  @HttpCode(200)
  @VerifiedWebhook('stripeConnect')
  stripe(@Req() request: RawBodyRequest) {
    this.received.bodies.push(request.rawBody!.toString('utf8'));
  }

  @Post('github')
  @HttpCode(200)
  @VerifiedWebhook('github')
  github(@Req() request: RawBodyRequest) {
    this.received.bodies.push(request.rawBody!.toString('utf8'));
  }

  @Post('text')
  @HttpCode(200)
  @VerifiedWebhook('fullup')
  text(@Req() request: RawBodyRequest) {
    this.received.bodies.push(request.rawBody!.toString('utf8'));
  }
}

/**
 * An app module as a user writes it: secrets read from the environment when
 * the module is imported, here variables no test sets.
 */
@Module({
  imports: [
    WebhookSecurityModule.forRoot({
      providers: {
        stripeConnect: { scheme: 'stripe', secret: process.env.UNSET_STRIPE_CONNECT_SECRET },
        github: { secret: [process.env.UNSET_GITHUB_SECRET, process.env.UNSET_GITHUB_OLD_SECRET] },
        fullup: { secret: ({ headers }) => (headers['x-tenant'] === 'a' ? 'tenant-a' : undefined) },
      },
    }),
  ],
  controllers: [PaymentsController],
  providers: [Received],
})
export class PaymentsAppModule {}
