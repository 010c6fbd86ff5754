import { Body, Controller, HttpCode, Logger, Post } from '@nestjs/common';
import { VerifiedWebhook } from '../src/index.js';

/** One verified endpoint per vendor. A handler runs only for a request whose signature checked out. */
@Controller('webhooks')
export class DemoController {
  private readonly logger = new Logger('Demo');

  @Post('trophy')
  @HttpCode(200)
  @VerifiedWebhook('trophy')
  trophy(@Body() event: unknown) {
    return this.received('trophy', event);
  }

  @Post('fullup')
  @HttpCode(200)
  @VerifiedWebhook('fullup')
  fullup(@Body() event: unknown) {
    return this.received('fullup', event);
  }

  @Post('noyo')
  @HttpCode(200)
  @VerifiedWebhook('noyo')
  noyo(@Body() event: unknown) {
    return this.received('noyo', event);
  }

  @Post('signalwire')
  @HttpCode(200)
  @VerifiedWebhook('signalwire')
  signalwire(@Body() event: unknown) {
    return this.received('signalwire', event);
  }

  private received(vendor: string, event: unknown) {
    this.logger.log(`Verified ${vendor} webhook: ${JSON.stringify(event)}`);
    return { verified: true, vendor };
  }
}
