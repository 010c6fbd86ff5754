import { Injectable, createParamDecorator, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import { HTTP_CODE_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner } from '@nestjs/core';
import { WEBHOOK_PROVIDER_METADATA } from '../webhook-security.constants.js';
import { WebhookEventDispatcher, WebhookRequestSource } from './webhook-event-dispatcher.js';
import { WEBHOOK_DISPATCH_METADATA } from './webhook-events.constants.js';

/**
 * Dispatches the verified delivery to its `@OnWebhookEvent` handlers and
 * resolves once they all have run. It runs as Nest resolves the route
 * handler's arguments: after the guard has verified the delivery and, with
 * replay on, claimed it (a duplicate never reaches the handlers, and a failed
 * dispatch releases the claim), and inside the app's interceptors.
 */
@Injectable()
export class WebhookDispatchPipe implements PipeTransform<WebhookRequestSource, Promise<undefined>> {
  constructor(private readonly dispatcher: WebhookEventDispatcher) {}

  async transform(source: WebhookRequestSource): Promise<undefined> {
    const { request, provider } = this.dispatcher.requestOf(source);
    await this.dispatcher.dispatch(request, provider);
    return undefined;
  }
}

const dispatchSource = createParamDecorator(
  (provider: string, context: ExecutionContext) => new WebhookRequestSource(context.getArgByIndex<object>(0), provider),
);

/**
 * What `{ dispatch: true }` adds to `@VerifiedWebhook(provider)`: the mark the
 * startup checks read, and on each route method a parameter after its own,
 * whose pipe dispatches the delivery (the method gets `undefined` there). A
 * parameter rather than an interceptor: Nest builds an interceptor's
 * pipeline of observables on every request, which cost more than the
 * dispatch itself. On a method without its own `@HttpCode`, status 200
 * rather than Nest's 201 for POST.
 */
export function dispatchDecorator(provider: string): ClassDecorator & MethodDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (key === undefined || !descriptor) {
      Reflect.defineMetadata(WEBHOOK_DISPATCH_METADATA, true, target);
      const prototype = (target as { prototype: object }).prototype;
      for (const [name, method] of routeMethods(prototype)) {
        // A method's own @VerifiedWebhook names its provider, as for the guard.
        if (Reflect.getMetadata(WEBHOOK_DISPATCH_METADATA, method) !== true) {
          addDispatchParameter(prototype, name, method, (Reflect.getMetadata(WEBHOOK_PROVIDER_METADATA, method) as string | undefined) ?? provider);
        }
      }
      return;
    }
    const method = descriptor.value as object & { readonly length: number };
    Reflect.defineMetadata(WEBHOOK_DISPATCH_METADATA, true, method);
    addDispatchParameter(target, key, method, provider);
    if (Reflect.getMetadata(HTTP_CODE_METADATA, method) === undefined) Reflect.defineMetadata(HTTP_CODE_METADATA, 200, method);
  };
}

/** The route methods of a controller's prototype, its own and those it inherits, as Nest's router finds them. */
function routeMethods(prototype: object): Map<string, object & { readonly length: number }> {
  const methods = new Map<string, object & { readonly length: number }>();
  for (const name of new MetadataScanner().getAllMethodNames(prototype)) {
    const method = (prototype as Record<string, object & { readonly length: number }>)[name]!;
    if (Reflect.getMetadata(PATH_METADATA, method) !== undefined) methods.set(name, method);
  }
  return methods;
}

/** Adds the dispatching parameter to `method`, after every parameter it declares or Nest fills. */
function addDispatchParameter(prototype: object, key: string | symbol, method: { readonly length: number }, provider: string): void {
  const filled = Object.keys((Reflect.getMetadata(ROUTE_ARGS_METADATA, prototype.constructor, key) as object | undefined) ?? {});
  const declared = (Reflect.getMetadata('design:paramtypes', prototype, key) as unknown[] | undefined)?.length ?? 0;
  const index = Math.max(method.length, declared, ...filled.map((arg) => Number(arg.slice(arg.lastIndexOf(':') + 1)) + 1));
  dispatchSource(provider, WebhookDispatchPipe)(prototype, key, index);
}
