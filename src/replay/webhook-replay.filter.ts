import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AcknowledgedDuplicateDelivery } from './replay.exceptions.js';

/**
 * Answers an acknowledged duplicate with 200 and an empty body, whatever the
 * route's own status. `@VerifiedWebhook` attaches it; it catches nothing else.
 */
@Catch(AcknowledgedDuplicateDelivery)
export class WebhookReplayFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(_duplicate: AcknowledgedDuplicateDelivery, host: ArgumentsHost): void {
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), undefined, 200);
  }
}
