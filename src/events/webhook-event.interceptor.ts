import { Injectable, SetMetadata, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { WEBHOOK_PROVIDER_METADATA } from '../webhook-security.constants.js';
import { WebhookEventDispatcher } from './webhook-event-dispatcher.js';
import { WEBHOOK_DISPATCH_METADATA } from './webhook-events.constants.js';

/**
 * Dispatches the verified delivery to its `@OnWebhookEvent` handlers, then
 * runs the route handler, whose return value is the response. Attached by
 * `@VerifiedWebhook(name, { dispatch: true })` only. It runs after the guard
 * has verified the delivery and, with replay on, claimed it: a duplicate
 * never reaches the handlers, and a failed dispatch releases the claim.
 */
@Injectable()
export class WebhookEventInterceptor implements NestInterceptor {
  /** The provider of each route, by class and handler. */
  private readonly routes = new WeakMap<object, Map<object, string | undefined>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly dispatcher: WebhookEventDispatcher,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    await this.dispatcher.dispatch(context.getArgByIndex<object>(0), this.providerOf(context));
    return next.handle();
  }

  /** The provider named on the route: read from metadata once per route, not on every request. */
  private providerOf(context: ExecutionContext): string | undefined {
    const [type, handler] = [context.getClass(), context.getHandler()];
    let handlers = this.routes.get(type);
    if (!handlers) this.routes.set(type, (handlers = new Map<object, string | undefined>()));
    if (!handlers.has(handler)) handlers.set(handler, this.reflector.getAllAndOverride<string | undefined>(WEBHOOK_PROVIDER_METADATA, [handler, type]));
    return handlers.get(handler);
  }
}

/**
 * What `{ dispatch: true }` adds to `@VerifiedWebhook`: the mark the startup
 * checks read, the interceptor, and on a method without its own `@HttpCode`,
 * status 200 rather than Nest's 201 for POST.
 */
export function dispatchDecorators(): (ClassDecorator & MethodDecorator)[] {
  return [
    SetMetadata(WEBHOOK_DISPATCH_METADATA, true),
    UseInterceptors(WebhookEventInterceptor),
    (_target: object, _key?: string | symbol, descriptor?: TypedPropertyDescriptor<unknown>) => {
      if (descriptor?.value && Reflect.getMetadata(HTTP_CODE_METADATA, descriptor.value) === undefined) {
        Reflect.defineMetadata(HTTP_CODE_METADATA, 200, descriptor.value);
      }
    },
  ] as (ClassDecorator & MethodDecorator)[];
}
