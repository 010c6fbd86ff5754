import {
  InternalServerErrorException,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { closestName } from './utils/closest-name.js';
import { mediaType } from './utils/headers.js';

/**
 * The 401 for every rejected signature. Its body is the same whatever the
 * reason, so a forger learns nothing; the reason goes to the warn log.
 */
export class InvalidWebhookSignatureException extends UnauthorizedException {
  constructor() {
    super('Invalid webhook signature');
  }
}

/**
 * The 503 when the keys of a scheme that fetches them (PayPal, Plaid) cannot
 * be had from the sender: the request is not verified, and the sender retries.
 */
export class WebhookKeysUnavailableException extends ServiceUnavailableException {
  constructor() {
    super('Webhook signing keys are unavailable');
  }
}

/** The 413 when a body the guard reads itself is larger than `maxBodyBytes`. */
export class WebhookPayloadTooLargeException extends PayloadTooLargeException {
  constructor(limit: number) {
    super(`Webhook body exceeds ${limit} bytes`);
  }
}

/**
 * The 500 when the app is set up so that a webhook cannot be verified. The
 * request never reaches the handler; the message says what to change.
 */
export class WebhookSecurityMisconfiguredException extends InternalServerErrorException {
  constructor(readonly fix: string) {
    super(`Webhook verification is misconfigured: ${fix}`);
  }
}

/**
 * The 415 when a parser the app registered took a body of a content type
 * other than JSON or a form and kept no copy of its bytes (Fastify's own
 * `text/plain` parser, an `app.use(text())`): anyone can send that type, so
 * it is the request's fault here, while the message and the error log name
 * the fix for a sender that does send it.
 */
export class WebhookMediaTypeUnverifiableException extends UnsupportedMediaTypeException {
  constructor(readonly fix: string) {
    super(`This content type cannot be verified here: ${fix}`);
  }
}

/**
 * The 500 when an `@OnWebhookEvent` handler threw: the delivery failed, and
 * the sender retries it. The body never carries the handler's error, which
 * goes to the error log.
 */
export class WebhookEventHandlerException extends InternalServerErrorException {
  constructor() {
    super('Webhook event handler failed');
  }
}

/** `: did you mean 'stripe'?` after a mistyped name, or nothing when no name is near. */
const didYouMean = (name: string, candidates: readonly string[], lead: string): string => {
  const suggestion = closestName(name, candidates);
  return suggestion === undefined ? '' : `${lead} did you mean '${suggestion}'?`;
};

/** What is wrong with an entry of a secret list. */
export type BlankSecret = 'undefined' | 'an empty string' | 'only whitespace' | 'not a string' | 'padded with whitespace';

/** `'a', 'b'`, or `none`. */
const quoteList = (names: readonly string[]): string => (names.length === 0 ? 'none' : names.map((name) => `'${name}'`).join(', '));

/**
 * A configuration mistake found at startup. Each message names the fix.
 */
export class WebhookSecurityConfigurationError extends Error {
  override readonly name = 'WebhookSecurityConfigurationError';

  /** A `@VerifiedWebhook(name)` whose name is not among the configured providers. */
  static unknownProvider(provider: string, route: string, configured: readonly string[]): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `@VerifiedWebhook('${provider}') on ${route} names a provider that is not configured. ` +
        `Add '${provider}' to WebhookSecurityModule.forRoot({ providers: { ... } }), or fix the name${didYouMean(provider, configured, ':')} ` +
        `(configured: ${quoteList(configured)}).`,
    );
  }

  /** An `@OnWebhookEvent(name)` whose name is not among the configured providers. */
  static unknownEventProvider(provider: string, handler: string, configured: readonly string[]): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `@OnWebhookEvent('${provider}') on ${handler} names a provider that is not configured. ` +
        `Add '${provider}' to WebhookSecurityModule.forRoot({ providers: { ... } }), or fix the name (configured: ${quoteList(configured)}).`,
    );
  }

  /** Event routing for a provider whose verifier has no `eventType()`. */
  static verifierWithoutEventTypes(provider: string, usedBy: string): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `${usedBy} routes events of webhook provider '${provider}', whose verifier cannot read event types. ` +
        `Give providers.${provider}.verifier an eventType(request) method that reads the type from the verified request.`,
    );
  }

  /** A route marked to dispatch (by a class it extends) that has no dispatching parameter. */
  static undispatchedRoute(provider: string, route: string, controller: string): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `${route} is verified as '${provider}' with { dispatch: true }, which did not reach it: ` +
        'a decorator on a class reaches the routes that class declares or inherits, not those of a class that extends it. ' +
        `Put @VerifiedWebhook('${provider}', { dispatch: true }) on ${controller}, or on the method.`,
    );
  }

  /** A route verified as one provider, with a dispatching parameter of another from a class its controller extends. */
  static dispatchingAsAnother(provider: string, other: string, route: string, controller: string): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `${route} is verified as '${provider}', and dispatches as '${other}' too, by a { dispatch: true } on a class it extends: ` +
        'every delivery would fail with 500 before any handler ran. ' +
        `Give the @VerifiedWebhook of ${controller} and of the classes it extends one provider, or put { dispatch: true } on one of them only.`,
    );
  }

  /** An `@OnWebhookEvent` on a static method, which discovery, looking at instances, never finds. */
  static staticEventHandler(handler: string): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `@OnWebhookEvent on static ${handler}: handlers are methods of provider or controller instances. Make it an instance method.`,
    );
  }

  /** An `@OnWebhookEvent` handler in a provider that is not a singleton. */
  static scopedEventHandler(handler: string): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `@OnWebhookEvent on ${handler}: handlers must live in singleton providers or controllers, and this one is request-scoped or transient ` +
        `(or depends on one). Move the handler to a singleton, and inject ModuleRef there to resolve scoped providers.`,
    );
  }

  /** An `@OnWebhookEvent` that lists no event type. */
  static emptyEventSubscription(handler: string): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(`@OnWebhookEvent on ${handler} lists no event type. Name one or more types, or '*' for every type.`);
  }

  /** An `@OnWebhookEvent` type no delivery can have: empty, padded with whitespace, not a string, or `'*'` inside a list. */
  static unmatchableEventType(handler: string, type: unknown): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `@OnWebhookEvent on ${handler} names the event type ${JSON.stringify(type) ?? String(type)}, which no delivery can have. ` +
        `Name each type as the provider writes it, with no whitespace around it, or '*' alone (not in a list) for every type.`,
    );
  }

  /** A static secret that is missing or empty, often an unset environment variable. */
  static missingSecret(provider: string): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `Webhook provider '${provider}' has no secret. Set providers.${provider}.secret to a non-empty string or array of strings ` +
        `(is the environment variable that should hold it set?).`,
    );
  }

  /** A whitespace-only or padded secret, or an unset, empty, blank or padded entry of a rotation list. */
  static blankSecret(provider: string, problem: BlankSecret, index?: number): WebhookSecurityConfigurationError {
    if (problem === 'padded with whitespace') {
      const entry = index === undefined ? 'secret' : `secret[${index}]`;
      return new WebhookSecurityConfigurationError(
        `Webhook provider '${provider}': ${entry} starts or ends with whitespace, so no signature made with the secret itself can match. ` +
          `Trim it (a newline often comes with a secret read from a file, echo or a .env line).`,
      );
    }
    if (index === undefined) {
      return new WebhookSecurityConfigurationError(
        `Webhook provider '${provider}': secret is only whitespace. Set providers.${provider}.secret to the secret itself ` +
          `(is the environment variable that should hold it set, and not blank?).`,
      );
    }
    return new WebhookSecurityConfigurationError(
      `Webhook provider '${provider}': secret[${index}] is ${problem}. Set every entry of providers.${provider}.secret to a secret, ` +
        `or drop the entry (is the environment variable that should hold it set?).`,
    );
  }

  /** Test secrets for a provider name that is not configured. */
  static unknownTestSecret(provider: string, configured: readonly string[]): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `Test secrets name the webhook provider '${provider}', which is not configured${didYouMean(provider, configured, ':')} ` +
        `(configured: ${quoteList(configured)}).`,
    );
  }

  /** A provider whose scheme is no built-in one and that has no verifier of its own. */
  static unknownScheme(provider: string, scheme: string, builtIn: readonly string[]): WebhookSecurityConfigurationError {
    const suggestion = closestName(scheme, builtIn);
    return new WebhookSecurityConfigurationError(
      `Webhook provider '${provider}' uses the scheme '${scheme}', which is not built in` +
        `${suggestion === undefined ? '' : `. Did you mean '${suggestion}'?`} (built in: ${quoteList(builtIn)}). ` +
        `Set providers.${provider}.scheme to one of those, or pass your own verifier as providers.${provider}.verifier.`,
    );
  }

  /** An option with a value of the wrong kind; `expected` says what it must be. */
  static invalidOption(provider: string, option: string, expected: string): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(`Webhook provider '${provider}': ${option} must be ${expected}.`);
  }

  /** A declarative scheme whose signed content names a field that no header provides. */
  static templateFieldWithoutHeader(header: string, field: string): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `The signature scheme of header '${header}' signs {${field}} but names no ${field} header. Add \`${field}: { header: '...' }\` to the scheme.`,
    );
  }

  /** A declared timestamp or id header that the signed content does not include. */
  static headerNotSigned(header: string, field: string): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `The signature scheme of header '${header}' reads the ${field} header but does not sign it, so anyone could change it. ` +
        `Add {${field}} to signedContent as the sender signs it, or remove \`${field}\` from the scheme.`,
    );
  }

  /** A declarative scheme with a missing or unknown field. */
  static invalidScheme(header: unknown, expected: string): WebhookSecurityConfigurationError {
    const name = typeof header === 'string' && header !== '' ? `The signature scheme of header '${header}'` : 'A declarative signature scheme';
    return new WebhookSecurityConfigurationError(`${name} needs ${expected}.`);
  }

  /** An injectable verifier or secret resolver class that dependency injection cannot create. */
  static unresolvableClass(provider: string, className: string, cause: unknown): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `Webhook provider '${provider}': ${className} could not be created (${cause instanceof Error ? cause.message : String(cause)}). ` +
        `Register ${className} as a provider in the module that owns its dependencies.`,
    );
  }

  /** A module configured with no providers at all. */
  static noProviders(): WebhookSecurityConfigurationError {
    return new WebhookSecurityConfigurationError(
      `WebhookSecurityModule has no providers. Pass at least one, e.g. forRoot({ providers: { github: { secret: process.env.GITHUB_WEBHOOK_SECRET } } }).`,
    );
  }
}

/** A media type fit to quote in a message: `text/plain`, `application/vnd.api+json`. */
const PLAIN_MEDIA_TYPE = /^[a-z0-9][\w.+-]{0,63}\/[a-z0-9][\w.+-]{0,63}$/;
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/;
const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * The answer when the raw bytes are gone: a 500 for JSON or a form, which an
 * app without `{ rawBody: true }` never keeps, so that no delivery verifies;
 * a 415 for any other content type. Both name the fix.
 */
export function rawBodyUnavailable(
  adapter: 'express' | 'fastify',
  contentType: string | undefined,
): WebhookSecurityMisconfiguredException | WebhookMediaTypeUnverifiableException {
  const fix = rawBodyFix(adapter, contentType);
  return isParsedByNest(mediaType(contentType) ?? '') ? new WebhookSecurityMisconfiguredException(fix) : new WebhookMediaTypeUnverifiableException(fix);
}

/** JSON and forms: the types Nest's own parsers read, keeping the bytes with `{ rawBody: true }`. */
function isParsedByNest(media: string): boolean {
  return media === FORM_TYPE || JSON_TYPE.test(media);
}

/**
 * Log and response text for the case where the raw bytes are gone: the fix
 * for the adapter the app runs on and the content type that was parsed. A
 * content type is quoted only when it is a plain media type.
 */
export function rawBodyFix(adapter: 'express' | 'fastify', contentType: string | undefined): string {
  const media = mediaType(contentType) ?? '';
  const quoted = PLAIN_MEDIA_TYPE.test(media) ? media : undefined;
  const parsedByNest = isParsedByNest(media);
  if (adapter === 'fastify') {
    const create = 'NestFactory.create(AppModule, new FastifyAdapter(), { rawBody: true })';
    if (parsedByNest) return `the raw request body is unavailable because Fastify's parser read it. Create the app with ${create}.`;
    return (
      `the raw request body is unavailable because Fastify's own parser for ${quoted ? `'${quoted}'` : 'its content type'} read it and kept no copy: ` +
      `register the type with app.useBodyParser('${quoted ?? 'type/subtype'}'), in an app created with ${create}.`
    );
  }
  if (parsedByNest) {
    const parser = media === FORM_TYPE ? 'urlencoded' : 'json';
    return (
      'the raw request body is unavailable because a body parser consumed it. ' +
      'Create the app with NestFactory.create(AppModule, { rawBody: true }); ' +
      `if the app registers its own ${parser}() parser, register it with app.useBodyParser('${parser}') instead of app.use(${parser}()), so the raw bytes are kept.`
    );
  }
  const parser = media.startsWith('text/') ? 'text' : 'raw';
  return (
    `the raw request body is unavailable because a body parser the app registered consumed it. ` +
    `Register the parser that read this ${quoted ? `'${quoted}' ` : ''}body through app.useBodyParser() (e.g. app.useBodyParser('${parser}')) rather than app.use(), ` +
    'in an app created with NestFactory.create(AppModule, { rawBody: true }), so the raw bytes are kept.'
  );
}
