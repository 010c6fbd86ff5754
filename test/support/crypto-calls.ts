import { jest } from '@jest/globals';
import * as crypto from 'node:crypto';

/**
 * Counts what `node:crypto` is asked to do, for tests of bounded work and
 * constant-time comparison. Import this module before any module of the
 * library, and import the library with `await import(...)` after it, so the
 * library links to the counting `node:crypto`.
 */
export const cryptoCalls = {
  /** Every `timingSafeEqual(a, b)`, with the byte lengths it was given. */
  compares: [] as { a: number; b: number }[],
  /** Number of `createHmac` calls. */
  hmacs: 0,
  /** Replaces the result of every `timingSafeEqual`, to show that the verdict comes from it. */
  forceCompare: undefined as boolean | undefined,
  reset(): void {
    this.compares.length = 0;
    this.hmacs = 0;
    this.forceCompare = undefined;
  },
};

jest.unstable_mockModule('node:crypto', () => ({
  ...crypto,
  default: crypto,
  timingSafeEqual(a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean {
    cryptoCalls.compares.push({ a: a.byteLength, b: b.byteLength });
    const equal = crypto.timingSafeEqual(a, b);
    return cryptoCalls.forceCompare ?? equal;
  },
  createHmac(...args: Parameters<typeof crypto.createHmac>) {
    cryptoCalls.hmacs++;
    return crypto.createHmac(...args);
  },
}));
