import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import { STRIPE_SCHEME } from './schemes/stripe.scheme.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/** Stripe's scheme, {@link STRIPE_SCHEME}, as a class. */
export class StripeVerifier extends HmacSchemeVerifier {
  constructor(options?: VerifierOptions) {
    super(STRIPE_SCHEME, options);
  }
}
