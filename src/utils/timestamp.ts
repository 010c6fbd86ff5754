import { DEFAULT_TOLERANCE_SECONDS } from '../webhook-security.constants.js';

/** How a scheme writes its timestamp header. */
export type TimestampFormat = 'unix' | 'unix-ms' | 'iso';

// ISO-8601 date and time with an explicit zone; up to nine fraction digits.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses a timestamp header into epoch milliseconds, or `undefined` when it
 * is not exactly of the given format. `Date.parse` alone would read `"1"` as
 * the year 2001, so the shape is checked first.
 */
export function parseTimestamp(value: string, format: TimestampFormat): number | undefined {
  if (format === 'unix') {
    const seconds = decimal(value, 12);
    return seconds === undefined ? undefined : seconds * 1000;
  }
  if (format === 'unix-ms') return decimal(value, 15);
  if (!ISO.test(value)) return undefined;
  // Date.parse reads the first three of up to nine fraction digits; it misreads ten or more, which ISO rejects.
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : millis;
}

/**
 * The value of 1 to `maxDigits` ASCII decimal digits, without a leading zero,
 * and nothing else; `undefined` for anything else. A leading zero keeps the
 * value but not the text, which is signed: a scheme that signs the URL, then
 * no body, then the timestamp (HubSpot's GET) would sign `?n=10` and `1715…`
 * as it signs `?n=1` and `01715…`.
 */
function decimal(value: string, maxDigits: number): number | undefined {
  if (value.length === 0 || value.length > maxDigits || (value.length > 1 && value.charCodeAt(0) === 0x30)) return undefined;
  let number = 0;
  for (let i = 0; i < value.length; i++) {
    const digit = value.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    number = number * 10 + digit;
  }
  return number;
}

/** True when `timestampMs` lies within `toleranceSeconds` of `nowMs`, in the past or the future. */
export function isWithinTolerance(timestampMs: number, nowMs: number, toleranceSeconds: number): boolean {
  return Math.abs(nowMs - timestampMs) <= toleranceSeconds * 1000;
}

/** Writes a time in the given format, as a sender would. */
export function formatTimestamp(date: Date, format: TimestampFormat): string {
  if (format === 'unix') return String(Math.floor(date.getTime() / 1000));
  if (format === 'unix-ms') return String(date.getTime());
  return date.toISOString();
}

/**
 * The timestamp header a sender would write when signing at `time`: a string
 * verbatim, Unix seconds or a `Date` formatted, and `nowMs` when unset.
 */
export function signingTimestamp(time: Date | number | string | undefined, nowMs: number, format: TimestampFormat): string {
  if (typeof time === 'string') return time;
  return formatTimestamp(time instanceof Date ? time : new Date(time === undefined ? nowMs : signingSeconds(time) * 1000), format);
}

/**
 * Unix seconds given to sign with, or a `TypeError` for a number in
 * milliseconds (`Date.now()`), which would sign a time 50,000 years ahead
 * and be refused as out of tolerance. Seconds stay below 10^11 until the year 5138.
 */
export function signingSeconds(seconds: number): number {
  if (Math.abs(seconds) >= 1e11) {
    throw new TypeError(`timestamp ${seconds} is in milliseconds: give Unix seconds, e.g. Math.floor(Date.now() / 1000), or a Date.`);
  }
  return seconds;
}

/**
 * The window a signed timestamp must fall in: `toleranceSeconds` either side
 * of the clock. Shared by every scheme that signs a timestamp.
 */
export class TimestampWindow {
  readonly toleranceSeconds: number;
  /** The clock, in epoch milliseconds. */
  readonly now: () => number;

  constructor(options: { readonly toleranceSeconds?: number; readonly clock?: () => number } = {}) {
    this.toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    this.now = options.clock ?? Date.now;
  }

  /** Why `value` is not an acceptable timestamp header, or `undefined` when it is. */
  check(value: string, format: TimestampFormat): 'malformed_header' | 'timestamp_out_of_tolerance' | undefined {
    const signedAt = parseTimestamp(value, format);
    if (signedAt === undefined) return 'malformed_header';
    return isWithinTolerance(signedAt, this.now(), this.toleranceSeconds) ? undefined : 'timestamp_out_of_tolerance';
  }

  /** The timestamp header a sender would write, signing now unless `time` is given. */
  signing(time: Date | number | string | undefined, format: TimestampFormat): string {
    return signingTimestamp(time, this.now(), format);
  }
}
