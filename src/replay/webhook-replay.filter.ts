import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebhookHandshakeResponse } from '../webhook-handshake.response.js';
import { AcknowledgedDuplicateDelivery } from './replay.exceptions.js';

/**
 * Sends what the signature guard answers itself, whatever the route's own
 * status: an acknowledged duplicate gets 200 and an empty body, a handshake
 * its sender's reply. `@VerifiedWebhook` attaches it; it catches nothing else.
 */
@Catch(AcknowledgedDuplicateDelivery, WebhookHandshakeResponse)
export class WebhookReplayFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(answered: AcknowledgedDuplicateDelivery | WebhookHandshakeResponse, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response = host.switchToHttp().getResponse<unknown>();
    if (!(answered instanceof WebhookHandshakeResponse)) return void httpAdapter.reply(response, undefined, 200);
    const { status, contentType, body, headers = {} } = answered.reply;
    httpAdapter.setHeader(response, 'content-type', contentType);
    for (const [name, value] of Object.entries(headers)) httpAdapter.setHeader(response, name, value);
    httpAdapter.reply(response, body, status);
  }
}
