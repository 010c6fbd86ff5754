// The SignalWire SDKs ship types that their "exports" maps hide from NodeNext
// resolution. These are the few signatures the cross-check tests call.
declare module '@signalwire/web-api' {
  export function validateRequest(privateKey: string, header: string, url: string, rawBody: string): boolean;
}

declare module '@signalwire/compatibility-api' {
  export const RestClient: {
    validateRequest(key: string, signature: string, url: string, params: object, suppressWarning?: boolean): boolean;
    validateRequestWithBody(key: string, signature: string, url: string, body: string): boolean;
  };
}
