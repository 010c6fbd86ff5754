import {
  BadRequestException,
  HttpException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { readRawBody, toWebhookHttpRequest, type WebhookHttpRequest } from './raw-body.reader.js';
import { recordDelivery } from './replay/webhook-delivery.js';
import type { VerificationFailureReason } from './verifiers/webhook-verifier.interface.js';
import { LOGGER_CONTEXT, RESOLVED_WEBHOOK_SECURITY_OPTIONS, WEBHOOK_PROVIDER_METADATA } from './webhook-security.constants.js';
import {
  InvalidWebhookSignatureException,
  RAW_BODY_FIX,
  WebhookPayloadTooLargeException,
  WebhookSecurityMisconfiguredException,
} from './webhook-security.exceptions.js';
import type {
  ResolvedWebhookProvider,
  ResolvedWebhookSecurityOptions,
  WebhookVerificationFailure,
} from './webhook-security-options.interface.js';

/**
 * Verifies the signature of a request routed to a `@VerifiedWebhook(name)`
 * handler, over the exact bytes received. It fails closed: a request that is
 * not verified never reaches the handler.
 *
 * - 401 for a missing, malformed or wrong signature or a stale timestamp,
 *   with the same body for every reason; the reason goes to the warn log.
 * - 413 for a body over `maxBodyBytes` that the guard had to read itself.
 * - 500 when the raw bytes are gone (no `rawBody: true`), with an error log
 *   that says how to fix it.
 * - 503 when a secret function or resolver fails, so that the sender retries.
 *
 * It works the same on the Express and the Fastify adapter.
 */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  protected readonly logger = new Logger(LOGGER_CONTEXT);

  constructor(
    private readonly reflector: Reflector,
    @Inject(RESOLVED_WEBHOOK_SECURITY_OPTIONS) private readonly options: ResolvedWebhookSecurityOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = toWebhookHttpRequest(context.switchToHttp().getRequest());
    const name = this.reflector.getAllAndOverride<string | undefined>(WEBHOOK_PROVIDER_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const provider = name === undefined ? undefined : this.options.providers.get(name);
    if (!provider) {
      // Unknown names fail at startup; this is only reached if that check was bypassed.
      const fix = `no webhook provider named '${String(name)}' is configured in WebhookSecurityModule.forRoot().`;
      this.logger.error(`${routeOf(request)}: ${fix}`);
      throw new WebhookSecurityMisconfiguredException(fix);
    }

    let rawBody;
    try {
      rawBody = await readRawBody(request, this.options.maxBodyBytes);
    } catch {
      throw new BadRequestException('The request body could not be read');
    }
    if (rawBody === 'unavailable') {
      this.logger.error(`${routeOf(request)}: ${RAW_BODY_FIX}`);
      this.notifyFailure({ provider: provider.name, reason: 'raw_body_unavailable', request: request.request });
      throw new WebhookSecurityMisconfiguredException(RAW_BODY_FIX);
    }
    if (rawBody === 'too_large') throw this.rejection(request, provider, 'body_too_large');

    const secrets = await this.secretsFor(request, provider);
    const webhook = { rawBody, headers: request.headers, url: this.requestUrl(request, provider), method: request.method };
    const result = await provider.verifier.verify(webhook, secrets);
    if (!result.verified) throw this.rejection(request, provider, result.reason);
    // For the replay interceptor, which runs next; the id is read only now that the request is verified.
    if (provider.replay) recordDelivery(request.request, { provider: provider.name, id: provider.verifier.deliveryId?.(webhook) });
    return true;
  }

  /**
   * The provider's secrets; for a secret function or resolver, those it picks
   * from the params and headers. A lookup that fails (a database down, say)
   * gets 503, so that the sender retries, and an error log.
   */
  private async secretsFor(request: WebhookHttpRequest, provider: ResolvedWebhookProvider): Promise<readonly string[]> {
    if (typeof provider.secrets !== 'function') return provider.secrets;
    let picked;
    try {
      picked = await provider.secrets({ provider: provider.name, params: request.params, headers: request.headers });
    } catch (error) {
      this.logger.error(`Secret lookup for '${provider.name}' on ${routeOf(request)} failed: ${describeError(error)}`);
      throw new ServiceUnavailableException('Webhook secret lookup failed');
    }
    return (typeof picked === 'string' ? [picked] : (picked ?? [])).filter((secret) => typeof secret === 'string' && secret !== '');
  }

  /**
   * Logs a rejection (provider, route and reason, never a secret or a
   * signature), tells `onVerificationFailure`, and returns the 4xx the guard
   * throws. Override it to change the response; the guard throws whatever it
   * returns, so a request it rejects never reaches the handler.
   */
  protected rejection(
    request: WebhookHttpRequest,
    provider: ResolvedWebhookProvider,
    reason: VerificationFailureReason,
  ): HttpException {
    this.logger.warn(`Rejected webhook from '${provider.name}' on ${routeOf(request)}: ${reason}`);
    this.notifyFailure({ provider: provider.name, reason, request: request.request });
    return reason === 'body_too_large'
      ? new WebhookPayloadTooLargeException(this.options.maxBodyBytes)
      : new InvalidWebhookSignatureException();
  }

  /** Calls `onVerificationFailure`; whatever it throws is logged and leaves the response as it is. */
  private notifyFailure(failure: WebhookVerificationFailure): void {
    const { onVerificationFailure } = this.options;
    if (!onVerificationFailure) return;
    const logError = (error: unknown) => this.logger.error(`onVerificationFailure threw: ${describeError(error)}`);
    try {
      void Promise.resolve(onVerificationFailure(failure)).catch(logError);
    } catch (error) {
      logError(error);
    }
  }

  /** The URL the sender signed: the configured public base, or protocol and Host of the request, plus the original path and query. */
  protected requestUrl(request: WebhookHttpRequest, provider: ResolvedWebhookProvider): string {
    if (provider.publicBaseUrl !== undefined) return provider.publicBaseUrl + request.path;
    return `${request.protocol}://${request.headers.host ?? ''}${request.path}`;
  }
}

/** An error's message for a log line. */
function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Method and path of a request, without its query string, for logs. */
function routeOf({ method, path }: WebhookHttpRequest): string {
  const query = path.indexOf('?');
  return `${method} ${query === -1 ? path : path.slice(0, query)}`;
}
