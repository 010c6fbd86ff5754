import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable, Subscriber } from 'rxjs';
import { publishReplayDecision } from '../diagnostics/webhook-diagnostics.channels.js';
import { LOGGER_CONTEXT, RESOLVED_WEBHOOK_SECURITY_OPTIONS } from '../webhook-security.constants.js';
import type { ResolvedWebhookSecurityOptions } from '../webhook-security-options.interface.js';
import {
  AcknowledgedDuplicateDelivery,
  DuplicateWebhookException,
  WebhookReplayStoreUnavailableException,
} from './replay.exceptions.js';
import type { ResolvedReplayOptions } from './replay-options.interface.js';
import { deliveryOf, replayKey } from './webhook-delivery.js';

/**
 * Runs the handler once per delivery id. `@VerifiedWebhook` attaches it; it
 * does nothing for a provider without replay protection.
 *
 * Nest runs guards before interceptors, so the signature is verified and the
 * delivery id known when it runs. It claims the id in the store, then:
 *
 * - first delivery: the handler runs; if it throws, the claim is released so
 *   that the sender's retry is handled;
 * - duplicate (the id is claimed, also while its first delivery still runs):
 *   the handler does not run; 200 with an empty body, or 409;
 * - store unreachable: 503 with an error log, or with `failOpen` the handler
 *   runs unchecked, with a warning.
 */
@Injectable()
export class WebhookReplayInterceptor implements NestInterceptor {
  protected readonly logger = new Logger(LOGGER_CONTEXT);

  constructor(@Inject(RESOLVED_WEBHOOK_SECURITY_OPTIONS) private readonly options: ResolvedWebhookSecurityOptions) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<object>();
    const delivery = deliveryOf(request);
    const replay = delivery && this.options.providers.get(delivery.provider)?.replay;
    if (!delivery || !replay || delivery.claimed) return next.handle();
    if (delivery.id === undefined) {
      this.logger.warn(`Webhook from '${delivery.provider}' has no delivery id: handled without replay protection`);
      publishReplayDecision(request, delivery.provider, 'no_delivery_id');
      return next.handle();
    }

    const key = replayKey(replay.keyPrefix, delivery.provider, delivery.id);
    const token = randomUUID();
    let claimed: boolean;
    const started = performance.now();
    try {
      claimed = await replay.store.claim(key, token, replay.ttlMs);
    } catch (error) {
      publishReplayDecision(request, delivery.provider, 'store_error', { started, operation: 'claim', failOpen: replay.failOpen, error });
      if (!replay.failOpen) {
        this.logger.error(`Replay store failed for '${delivery.provider}'; answering 503: ${describe(error)}`);
        throw new WebhookReplayStoreUnavailableException();
      }
      this.logger.warn(`Replay store failed for '${delivery.provider}'; handling the webhook unchecked (failOpen): ${describe(error)}`);
      return next.handle();
    }
    delivery.claimed = claimed;
    publishReplayDecision(request, delivery.provider, claimed ? 'claimed' : 'duplicate', { started, operation: 'claim' });
    if (!claimed) {
      this.logger.log(`Duplicate webhook from '${delivery.provider}' (${key}): handler not run`);
      throw replay.onDuplicate === 'conflict' ? new DuplicateWebhookException() : new AcknowledgedDuplicateDelivery();
    }
    return onError(next.handle(), () => this.release(replay, key, token, delivery.provider, request));
  }

  /** Releases the claim of a delivery whose handler threw. Never throws: the handler's error is what the sender gets. */
  private async release(replay: ResolvedReplayOptions, key: string, token: string, provider: string, request: object): Promise<void> {
    const started = performance.now();
    try {
      await replay.store.release(key, token);
      publishReplayDecision(request, provider, 'released', { started, operation: 'release' });
    } catch (error) {
      publishReplayDecision(request, provider, 'store_error', { started, operation: 'release', error });
      this.logger.error(
        `Replay store failed to release a failed delivery from '${provider}' (${key}); ` +
          `its retries count as duplicates until the claim expires: ${describe(error)}`,
      );
    }
  }
}

/**
 * Mirrors `source`, but runs `cleanup` before passing an error on. Built on
 * the class of `source` itself: rxjs is a dependency of Nest, not of this
 * library, so it is not imported here.
 */
function onError<T>(source: Observable<T>, cleanup: () => Promise<void>): Observable<T> {
  const ObservableClass = source.constructor as new (subscribe: (subscriber: Subscriber<T>) => () => void) => Observable<T>;
  return new ObservableClass((subscriber) => {
    const subscription = source.subscribe({
      next: (value) => subscriber.next(value),
      error: (error: unknown) => void cleanup().then(() => subscriber.error(error)),
      complete: () => subscriber.complete(),
    });
    return () => subscription.unsubscribe();
  });
}

/** An error's class and message for a log line. Store errors carry no secrets: keys are hashed. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
