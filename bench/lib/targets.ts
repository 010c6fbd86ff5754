/** One target checked against one measured ratio. */
export interface TargetCheck {
  /** What was compared, e.g. `micro fullup 16 KiB verify/bare`. */
  readonly what: string;
  readonly value: number;
  /** The bound, and whether the value must stay at or below it (`max`) or at or above it (`min`). */
  readonly bound: number;
  readonly kind: 'max' | 'min';
  readonly met: boolean;
}

/** Checks `value` against a bound. */
export function check(what: string, value: number, kind: 'max' | 'min', bound: number): TargetCheck {
  return { what, value, bound, kind, met: kind === 'max' ? value <= bound : value >= bound };
}
