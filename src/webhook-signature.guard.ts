import type { ServerResponse } from 'node:http';
import {
  BadRequestException,
  HttpException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnsupportedMediaTypeException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { noteRejection, noteVerified, traceVerification } from './diagnostics/webhook-diagnostics.channels.js';
import { readRawBody, toWebhookHttpRequest, type WebhookHttpRequest } from './raw-body.reader.js';
import { claimDelivery } from './replay/delivery-claim.js';
import { eventTypeHeaderValues } from './replay/webhook-delivery.js';
import { sharingParses } from './utils/delivery-id.js';
import { describeError } from './utils/describe-error.js';
import { markVerified, verifiedDelivery } from './verified-delivery.js';
import type { ReplayOptions } from './replay/replay-options.interface.js';
import type { VerificationFailureReason, VerificationResult, WebhookRequest } from './verifiers/webhook-verifier.interface.js';
import { LOGGER_CONTEXT, RESOLVED_WEBHOOK_SECURITY_OPTIONS, WEBHOOK_PROVIDER_METADATA } from './webhook-security.constants.js';
import { WebhookHandshakeResponse } from './webhook-handshake.response.js';
import {
  InvalidWebhookSignatureException,
  WebhookKeysUnavailableException,
  rawBodyUnavailable,
  WebhookPayloadTooLargeException,
  WebhookSecurityMisconfiguredException,
} from './webhook-security.exceptions.js';
import type { ResolvedWebhookProvider, ResolvedWebhookSecurityOptions, WebhookVerificationFailure } from './webhook-security-options.interface.js';

/**
 * Verifies the signature of a request routed to a `@VerifiedWebhook(name)`
 * handler, over the exact bytes received. It fails closed: a request that is
 * not verified never reaches the handler.
 *
 * - 401 for a missing, malformed or wrong signature or a stale timestamp,
 *   with the same body for every reason; the reason goes to the warn log.
 * - 413 for a body over `maxBodyBytes` that the guard had to read itself.
 * - 415 for a form, JSON or text body that declares a charset other than UTF-8:
 *   the app's parser would decode the signed bytes into other values.
 * - 415 as well when the raw bytes of another content type are gone (on
 *   Fastify, `text/plain`, which its own parser read), and 500 when those of
 *   JSON or a form are (no `rawBody: true`), each with an error log, once
 *   per route, that says how to fix it.
 * - 503 when a secret function or resolver fails, so that the sender retries.
 *
 * With `replay` on for the provider, it then claims the delivery in the
 * replay store: a duplicate gets 200 with an empty body (or 409) and never
 * reaches the handler, and a first delivery's claim is released when its
 * response is not a 2xx. See {@link ReplayOptions}.
 *
 * It works the same on the Express and the Fastify adapter.
 */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  protected readonly logger = new Logger(LOGGER_CONTEXT);
  /** The provider of each route, by class and handler: read from metadata once, not on every request. */
  private readonly routes = new WeakMap<object, WeakMap<object, ResolvedWebhookProvider | null>>();
  /** Route handlers whose missing raw body has been logged: once each. */
  private readonly rawBodyLogged = new WeakSet<object>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(RESOLVED_WEBHOOK_SECURITY_OPTIONS) private readonly options: ResolvedWebhookSecurityOptions,
  ) {}

  /**
   * Synchronous when the body is already on the request and the secrets are
   * fixed, the common case: no promise is made for a request that needs no
   * lookup. Replay protection makes it asynchronous, as the store answers later.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // getArgByIndex rather than switchToHttp(), which makes three closures on every call.
    const platformRequest = context.getArgByIndex<PlatformRequest>(0);
    const provider = this.providerOf(context);
    if (!provider) {
      // Unknown names fail at startup; this is only reached if that check was bypassed.
      const name = this.reflector.getAllAndOverride<string | undefined>(WEBHOOK_PROVIDER_METADATA, [context.getHandler(), context.getClass()]);
      const fix = `no webhook provider named '${String(name)}' is configured in WebhookSecurityModule.forRoot().`;
      this.logger.error(`${routeOf(toWebhookHttpRequest(platformRequest))}: ${fix}`);
      throw new WebhookSecurityMisconfiguredException(fix);
    }
    // @VerifiedWebhook on a controller and on its method runs the guard twice: the
    // second run must not claim the delivery again. Without replay, it verifies again.
    if (provider.replay && verifiedDelivery(platformRequest)?.provider === provider) return true;
    return traceVerification(platformRequest, provider, () => this.check(context, platformRequest, provider));
  }

  /** Answers a challenge, or verifies the request: synchronously when the body is there and the secrets are fixed. */
  private check(context: ExecutionContext, platformRequest: PlatformRequest, provider: ResolvedWebhookProvider): boolean | Promise<boolean> {
    if (provider.verifier.challenge && platformRequest.method === 'GET') return this.answerChallenge(context, platformRequest, provider);
    const { rawBody } = platformRequest;
    // Stryker disable next-line ConditionalExpression,BlockStatement: readAndVerify takes the same body and secrets, only a tick later
    if (Buffer.isBuffer(rawBody) && typeof provider.secrets !== 'function') {
      return this.verify(context, platformRequest, provider, rawBody, provider.secrets);
    }
    return this.readAndVerify(context, platformRequest, provider);
  }

  /**
   * The path where the body must be read from the stream, or the secrets
   * looked up: unless `secrets` gives those already looked up for this request.
   */
  private async readAndVerify(
    context: ExecutionContext,
    platformRequest: PlatformRequest,
    provider: ResolvedWebhookProvider,
    secrets?: readonly string[],
  ): Promise<boolean> {
    const request = toWebhookHttpRequest(platformRequest);
    let rawBody;
    try {
      rawBody = await readRawBody(request, this.options.maxBodyBytes);
    } catch {
      // Stryker disable next-line StringLiteral: the read fails only once the client has gone, so no one reads this text
      throw new BadRequestException('The request body could not be read');
    }
    if (rawBody === 'unavailable') {
      // Unsigned requests can trigger it at will: logged once per route.
      const unavailable = rawBodyUnavailable(request.stream === platformRequest ? 'express' : 'fastify', request.headers['content-type']);
      const handler = context.getHandler();
      if (!this.rawBodyLogged.has(handler)) {
        this.rawBodyLogged.add(handler);
        this.logger.error(`${routeOf(request)}: ${unavailable.fix}`);
      }
      this.notifyFailure({ provider: provider.name, reason: 'raw_body_unavailable', request: request.request });
      throw unavailable;
    }
    if (rawBody === 'too_large') throw this.rejection(request, provider, 'body_too_large');
    return this.verify(context, platformRequest, provider, rawBody, secrets ?? (await this.secretsFor(request, provider)));
  }

  /**
   * A GET that may be the sender's unsigned challenge (Meta, X, Dropbox,
   * Okta): answered from here when the verifier recognises and accepts it,
   * rejected when it fails its check, verified as a delivery otherwise.
   */
  private async answerChallenge(context: ExecutionContext, platformRequest: PlatformRequest, provider: ResolvedWebhookProvider): Promise<boolean> {
    const request = toWebhookHttpRequest(platformRequest);
    const query = request.path.indexOf('?');
    const challenge = { query: new URLSearchParams(query === -1 ? '' : request.path.slice(query + 1)), headers: request.headers };
    const secrets = await this.secretsFor(request, provider);
    const reply = provider.verifier.challenge!(challenge, secrets);
    if (reply === false) throw this.rejection(request, provider, 'no_matching_signature');
    if (reply) {
      this.logger.debug(`Answered the handshake of '${provider.name}' on ${routeOf(request)}`);
      throw new WebhookHandshakeResponse(reply);
    }
    return this.readAndVerify(context, platformRequest, provider, secrets);
  }

  /** Verifies the signature; with replay protection on, then claims the delivery. */
  private verify(
    context: ExecutionContext,
    platformRequest: PlatformRequest,
    provider: ResolvedWebhookProvider,
    rawBody: Buffer,
    secrets: readonly string[],
  ): boolean | Promise<boolean> {
    if (!isUtf8Charset(platformRequest.headers['content-type'])) {
      this.logger.warn(`Rejected webhook from '${provider.name}' on ${routeOf(toWebhookHttpRequest(platformRequest))}: charset other than UTF-8`);
      throw new UnsupportedMediaTypeException('Only UTF-8 form, JSON and text bodies are accepted');
    }
    // The URL is built, and the Host header checked, only for a verifier that reads it.
    const webhook: WebhookRequest =
      provider.verifier.signsUrl === false
        ? { rawBody, headers: platformRequest.headers, url: '', method: platformRequest.method }
        : this.lazyUrlRequest(platformRequest, provider, rawBody);
    const result = provider.verifier.verify(webhook, secrets);
    return isPromise(result)
      ? result.then((settled) => this.accept(context, platformRequest, provider, webhook, secrets, settled))
      : this.accept(context, platformRequest, provider, webhook, secrets, result);
  }

  /**
   * Lets a verified request through (after claiming it, with replay on),
   * answers it when it is a signed handshake, or throws the rejection. A
   * handshake never reaches the handler and is never claimed for replay.
   */
  private accept(
    context: ExecutionContext,
    platformRequest: PlatformRequest,
    provider: ResolvedWebhookProvider,
    webhook: WebhookRequest,
    secrets: readonly string[],
    result: VerificationResult,
  ): boolean | Promise<boolean> {
    if (!result.verified) throw this.rejection(toWebhookHttpRequest(platformRequest), provider, result.reason);
    noteVerified(platformRequest);
    // A handshake check and the delivery id may both read the body's JSON: one parse serves both.
    return provider.verifier.handshake
      ? sharingParses(() => this.admit(context, platformRequest, provider, webhook, secrets))
      : this.admit(context, platformRequest, provider, webhook, secrets);
  }

  /** Answers a signed handshake, or marks the request verified and, with replay on, claims it. */
  private admit(
    context: ExecutionContext,
    platformRequest: PlatformRequest,
    provider: ResolvedWebhookProvider,
    webhook: WebhookRequest,
    secrets: readonly string[],
  ): boolean | Promise<boolean> {
    const handshake = provider.verifier.handshake?.(webhook, secrets);
    if (handshake) {
      this.logger.debug(`Answered the handshake of '${provider.name}' on ${routeOf(toWebhookHttpRequest(platformRequest))}`);
      throw new WebhookHandshakeResponse(handshake);
    }
    markVerified(platformRequest, provider, webhook);
    if (!provider.replay) return true;
    // The id is read only now that the request is verified.
    const response = context.getArgByIndex<PlatformResponse>(1);
    // A verifier without deliveryId fails startup when its provider has replay on.
    const id = provider.verifier.deliveryId!(webhook);
    const eventTypeHeaders = provider.verifier.unsignedEventTypeHeaders;
    const eventType = eventTypeHeaders && eventTypeHeaderValues(webhook.headers, eventTypeHeaders);
    return claimDelivery(this.logger, provider.name, provider.replay, id, response.raw ?? response, platformRequest, eventType);
  }

  /** A request whose `url` is built (and its Host checked) the first time a verifier reads it. */
  private lazyUrlRequest(platformRequest: PlatformRequest, provider: ResolvedWebhookProvider, rawBody: Buffer): WebhookRequest {
    let url: string | undefined;
    const build = () => (url ??= this.requestUrl(toWebhookHttpRequest(platformRequest), provider));
    return {
      rawBody,
      headers: platformRequest.headers,
      method: platformRequest.method,
      get url() {
        return build();
      },
    };
  }

  /** The provider `@VerifiedWebhook(name)` names for the route, or `undefined` for a name not configured. */
  private providerOf(context: ExecutionContext): ResolvedWebhookProvider | undefined {
    const handler = context.getHandler();
    const type = context.getClass();
    let byHandler = this.routes.get(type);
    let provider = byHandler?.get(handler);
    // Stryker disable next-line ConditionalExpression: the cache only saves reading the metadata again, to the same provider
    if (provider === undefined) {
      const name = this.reflector.getAllAndOverride<string | undefined>(WEBHOOK_PROVIDER_METADATA, [handler, type]);
      // No provider is named undefined: a route without a name finds none.
      provider = this.options.providers.get(name as string) ?? null;
      // Stryker disable next-line ConditionalExpression: a new map for the class only drops the cache of its other routes, read again later
      if (!byHandler) this.routes.set(type, (byHandler = new WeakMap()));
      byHandler.set(handler, provider);
    }
    return provider ?? undefined;
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
    // Anything but a string or an array (an object from `secrets[params.tenant]`
    // with tenant `__proto__`, say) is no secret: the request gets 401.
    const list = typeof picked === 'string' ? [picked] : picked;
    // Stryker disable next-line ArrayDeclaration: a secret no sender holds instead of none gives the same 401
    return Array.isArray(list) ? list.filter((secret): secret is string => typeof secret === 'string' && secret !== '') : [];
  }

  /**
   * Logs a rejection (provider, route and reason, never a secret or a
   * signature), tells `onVerificationFailure`, and returns the 4xx the guard
   * throws. Override it to change the response; the guard throws whatever it
   * returns, so a request it rejects never reaches the handler.
   */
  protected rejection(request: WebhookHttpRequest, provider: ResolvedWebhookProvider, reason: VerificationFailureReason): HttpException {
    this.notifyFailure({ provider: provider.name, reason, request: request.request });
    if (reason === 'key_unavailable') {
      this.logger.error(`Signing keys of '${provider.name}' could not be fetched for ${routeOf(request)}; answering 503 so that the sender retries`);
      return new WebhookKeysUnavailableException();
    }
    this.logger.warn(`Rejected webhook from '${provider.name}' on ${routeOf(request)}: ${reason}`);
    return reason === 'body_too_large' ? new WebhookPayloadTooLargeException(this.options.maxBodyBytes) : new InvalidWebhookSignatureException();
  }

  /** Calls `onVerificationFailure`; whatever it throws is logged and leaves the response as it is. */
  private notifyFailure(failure: WebhookVerificationFailure): void {
    noteRejection(failure.request as object, failure.reason);
    const { onVerificationFailure } = this.options;
    if (!onVerificationFailure) return;
    const logError = (error: unknown) => this.logger.error(`onVerificationFailure threw: ${describeError(error)}`);
    try {
      void Promise.resolve(onVerificationFailure(failure)).catch(logError);
    } catch (error) {
      logError(error);
    }
  }

  /**
   * The URL the sender signed: the configured public base, or protocol and
   * Host of the request, plus the original path and query. Called only for a
   * scheme that signs the URL. Without `publicBaseUrl`, a Host that is not
   * `hostname[:port]` (a reg-name, IPv4 address or bracketed IPv6 literal,
   * and a port from 1 to 65535 without leading zeros), a protocol other than http(s), a path that does
   * not start with `/` or a request target holding `#` gets 400: Node accepts a Host holding `/`, `?` or `&`,
   * which would move part of the signed URL out of the request's path.
   */
  protected requestUrl(request: WebhookHttpRequest, provider: ResolvedWebhookProvider): string {
    // Express cuts the query at '#', and a re-encoded query variant would read past it.
    if (!request.path.startsWith('/') || request.path.includes('#')) throw this.badUrl(request, provider, 'request target');
    if (provider.publicBaseUrl !== undefined) return provider.publicBaseUrl + request.path;
    const { host } = request.headers;
    if (host === undefined || !HOST.test(host)) throw this.badUrl(request, provider, 'Host header');
    if (request.protocol !== 'http' && request.protocol !== 'https') throw this.badUrl(request, provider, 'protocol');
    return `${request.protocol}://${host}${request.path}`;
  }

  private badUrl(request: WebhookHttpRequest, provider: ResolvedWebhookProvider, part: string): BadRequestException {
    this.logger.warn(`Rejected webhook from '${provider.name}' on ${routeOf(request)}: invalid ${part}`);
    return new BadRequestException(`Invalid ${part}`);
  }
}

/** The request as Express or Fastify hands it to the guard: the fields it reads on every request. */
type PlatformRequest = Parameters<typeof toWebhookHttpRequest>[0];

/** The response as Express (Node's own) or Fastify (a reply around Node's, as `raw`) hands it over. */
type PlatformResponse = ServerResponse & { readonly raw?: ServerResponse };

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>).then === 'function';
}

const FORM_JSON_OR_TEXT = /^\s*(?:application\/x-www-form-urlencoded|application\/json|[\w.+-]+\/[\w.+-]+\+json|text\/[\w.+-]+)\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/gi;

/**
 * False when a form, JSON or text content type declares a charset other than
 * UTF-8 (any case, quoted or not). Under another charset, Express's parsers
 * decode the signed bytes into values that were not signed (`caf%C3%A9`
 * becomes "cafÃ©" under iso-8859-1, and text `+AHs-` becomes `{` under utf-7).
 * Other types, and none, are left to the app.
 */
function isUtf8Charset(contentType: string | undefined): boolean {
  // Stryker disable next-line StringLiteral: any text that is no form, JSON or text type is left to the app, as no type is
  const type = contentType ?? '';
  if (!FORM_JSON_OR_TEXT.test(type)) return true;
  for (const [, quoted, token] of type.matchAll(CHARSET)) {
    // Stryker disable next-line StringLiteral: one of the two groups always matches, so the fallback is never taken
    const charset = quoted ?? token ?? '';
    if (charset.toLowerCase() !== 'utf-8') return false;
  }
  return true;
}

/** A port from 1 to 65535, written without leading zeros. */
const PORT = '(?:[1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])';
/** `hostname[:port]`: a reg-name or IPv4 address, or a bracketed IPv6 literal, and a port from 1 to 65535. */
const HOST = new RegExp(`^(?:[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*\\.?|\\[[0-9A-Fa-f:.]+\\])(?::${PORT})?$`);

/** Method and path of a request, without its query string, for logs. */
function routeOf({ method, path }: WebhookHttpRequest): string {
  const query = path.indexOf('?');
  return `${method} ${query === -1 ? path : path.slice(0, query)}`;
}
