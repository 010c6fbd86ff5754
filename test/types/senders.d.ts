// coinbase-commerce-node ships no types. This is the one object the sender
// cross-check calls.
declare module 'coinbase-commerce-node' {
  const coinbase: {
    Webhook: {
      computeSignature(payload: string, secret: string): string;
      /** Throws `SignatureVerificationError` when the header does not match. */
      verifySigHeader(payload: string, sigHeader: string, secret: string): true;
    };
  };
  export default coinbase;
}
