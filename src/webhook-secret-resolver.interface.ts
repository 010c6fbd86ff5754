import type { IncomingHttpHeaders } from 'node:http';

/**
 * What a secret function or resolver sees of a request: the provider, the
 * route params and the headers. The body is deliberately absent: it is not
 * verified yet, and choosing the key by what the body claims lets a forger
 * choose it too.
 */
export interface WebhookSecretRequest {
  /** The provider name of the route. */
  readonly provider: string;
  /** Route params, e.g. `tenantId` of `/webhooks/:tenantId`. */
  readonly params: Readonly<Record<string, string>>;
  /** Request headers, names lower-cased. */
  readonly headers: IncomingHttpHeaders;
}

/** One secret, several (any one verifies), or none (nothing verifies: 401). */
export type WebhookSecrets = string | readonly string[] | undefined;

/** A function that picks the secrets per request, e.g. per tenant. */
export type WebhookSecretFunction = (request: WebhookSecretRequest) => WebhookSecrets | Promise<WebhookSecrets>;

/**
 * An injectable class that picks the secrets per request, for lookups that
 * need your own providers (a repository, a vault client). Register it as a
 * provider in the module that owns its dependencies, and pass the class as
 * a provider's `secret`.
 *
 * @example
 * ```ts
 * @Injectable()
 * class TenantSecrets implements WebhookSecretResolver {
 *   constructor(private readonly tenants: TenantRepository) {}
 *   async resolveSecret({ params }: WebhookSecretRequest) {
 *     return (await this.tenants.findOne(params.tenantId))?.webhookSecret;
 *   }
 * }
 * ```
 */
export interface WebhookSecretResolver {
  /** The secrets that may have signed this request; nothing makes it fail with 401, a throw with 503. */
  resolveSecret(request: WebhookSecretRequest): WebhookSecrets | Promise<WebhookSecrets>;
}
