import { HmacSchemeVerifier } from './hmac-scheme.verifier.js';
import { SHOPIFY_SCHEME } from './schemes/shopify.scheme.js';
import type { VerifierOptions } from './webhook-verifier.interface.js';

/** Shopify's scheme, {@link SHOPIFY_SCHEME}, as a class. */
export class ShopifyVerifier extends HmacSchemeVerifier {
  constructor(options?: VerifierOptions) {
    super(SHOPIFY_SCHEME, options);
  }
}
