import type { WebhookRequest } from './verifiers/webhook-verifier.interface.js';
import type { ResolvedWebhookProvider } from './webhook-security-options.interface.js';

/**
 * What the signature guard verified on a request: the provider, and the
 * request as its verifier read it; and whether it went to its event handlers.
 */
export interface VerifiedDelivery {
  readonly provider: ResolvedWebhookProvider;
  readonly webhook: WebhookRequest;
  /** Set once the delivery went to its `@OnWebhookEvent` handlers, so that a second dispatching decorator does nothing. */
  dispatched: boolean;
}

/**
 * Request property that holds the request's `VerifiedDelivery`. `Symbol.for`,
 * so an ESM and a CommonJS copy of the package in one process share it;
 * nothing a client sends can set it. A property rather than a `WeakMap`
 * entry: an entry for every request costs the garbage collector more than
 * the property costs.
 */
const VERIFIED = Symbol.for('nestjs-webhook-security:verified');

type MarkedRequest = { [VERIFIED]?: VerifiedDelivery };

/** Marks `request` verified for `provider`, for the rest of the request: replay, event dispatch and `@WebhookEvent()`. */
export function markVerified(request: object, provider: ResolvedWebhookProvider, webhook: WebhookRequest): void {
  (request as MarkedRequest)[VERIFIED] = { provider, webhook, dispatched: false };
}

/**
 * What the guard verified on `request`, or `undefined` when it verified
 * nothing there. Only the request's own property counts: one set on a
 * prototype, which every request shares, never marks a request verified.
 */
export function verifiedDelivery(request: object): VerifiedDelivery | undefined {
  return Object.hasOwn(request, VERIFIED) ? (request as MarkedRequest)[VERIFIED] : undefined;
}
