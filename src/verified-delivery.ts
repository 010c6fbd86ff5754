import { types } from 'node:util';
import type { WebhookRequest } from './verifiers/webhook-verifier.interface.js';
import type { ResolvedWebhookProvider } from './webhook-security-options.interface.js';

/** What the signature guard verified on a request: the provider, and the request as its verifier read it. */
export interface VerifiedDelivery {
  readonly provider: ResolvedWebhookProvider;
  readonly webhook: WebhookRequest;
}

/**
 * Key of the deliveries verified, by request, on `globalThis`. `Symbol.for`,
 * so an ESM and a CommonJS copy of the package in one process share them.
 */
const VERIFIED = Symbol.for('nestjs-webhook-security:verified');

/**
 * The deliveries verified, by request object. A `WeakMap` rather than a
 * property of the request: nothing a client sends can set it, and adding a
 * property to the request object Express gives (an `IncomingMessage` with
 * Express's prototype and many properties) costs several times what a
 * `WeakMap` entry costs. Anything else found under the key fails the import:
 * a `Map` would keep every request and its body for the life of the process.
 */
const deliveries = sharedDeliveries();

function sharedDeliveries(): WeakMap<object, VerifiedDelivery> {
  const shared = ((globalThis as { [VERIFIED]?: unknown })[VERIFIED] ??= new WeakMap());
  // A brand check, which a look-alike object or a `Symbol.toStringTag` cannot pass.
  if (!types.isWeakMap(shared)) {
    throw new TypeError(
      "globalThis[Symbol.for('nestjs-webhook-security:verified')] holds something else than the WeakMap of verified requests " +
        'nestjs-webhook-security keeps there: remove the code that sets it.',
    );
  }
  return shared as WeakMap<object, VerifiedDelivery>;
}

/** Marks `request` verified, for the rest of the request: replay, event dispatch and `@WebhookEvent()`. */
export function markVerified(request: object, delivery: VerifiedDelivery): void {
  deliveries.set(request, delivery);
}

/** What the guard verified on `request`, or `undefined` when it verified nothing there. */
export function verifiedDelivery(request: object): VerifiedDelivery | undefined {
  return deliveries.get(request);
}
