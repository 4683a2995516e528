/** Argument checks shared by optimizers and schedules: each error names its owner and the bad value. */

/** Bounds of a numeric option. */
export interface NumberRule {
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  max?: number;
  /** Exclusive upper bound. */
  below?: number;
  integer?: boolean;
}

/**
 * Returns `value ?? fallback` after checking it is a finite number within `rule`, else throws a
 * RangeError such as `Adam: betas[0] must be a number in [0, 1), got 1`.
 */
export function checkNumber(
  owner: string,
  name: string,
  value: number | undefined,
  fallback: number,
  rule: NumberRule = {},
): number {
  const v = value ?? fallback;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (rule.integer !== true || Number.isInteger(v)) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.above === undefined || v > rule.above) &&
    (rule.max === undefined || v <= rule.max) &&
    (rule.below === undefined || v < rule.below);
  if (!ok) throw new RangeError(`${owner}: ${name} must be ${describe(rule)}, got ${String(v)}`);
  return v;
}

/** Returns `value ?? fallback` after checking it is a boolean. */
export function checkBoolean(
  owner: string,
  name: string,
  value: boolean | undefined,
  fallback: boolean,
): boolean {
  const v = value ?? fallback;
  if (typeof v !== 'boolean')
    throw new TypeError(`${owner}: ${name} must be true or false, got ${String(v)}`);
  return v;
}

function describe(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  const lo = rule.min ?? rule.above;
  const hi = rule.max ?? rule.below;
  if (lo !== undefined && hi !== undefined) {
    return `${kind} in ${rule.min !== undefined ? '[' : '('}${lo}, ${hi}${rule.max !== undefined ? ']' : ')'}`;
  }
  if (lo !== undefined) return `${kind} ${rule.min !== undefined ? '≥' : '>'} ${lo}`;
  if (hi !== undefined) return `${kind} ${rule.max !== undefined ? '≤' : '<'} ${hi}`;
  return `a finite ${rule.integer ? 'integer' : 'number'}`;
}
