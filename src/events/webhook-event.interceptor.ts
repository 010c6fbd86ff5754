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
 * `@VerifiedWebhook(name, { dispatch: true })` only, after the replay
 * interceptor, so that a duplicate never reaches the handlers and a failed
 * dispatch releases its claim.
 */
@Injectable()
export class WebhookEventInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly dispatcher: WebhookEventDispatcher,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const provider = this.reflector.getAllAndOverride<string | undefined>(WEBHOOK_PROVIDER_METADATA, [context.getHandler(), context.getClass()]);
    await this.dispatcher.dispatch(context.switchToHttp().getRequest<object>(), provider);
    return next.handle();
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
