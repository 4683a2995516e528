import type { JsonValue, LayerConfig } from './layer.js';

/**
 * Typed reads from a {@link LayerConfig}, with errors that say which layer type, which key, and what
 * was found, so a corrupt or hand-edited model file fails clearly.
 */
export class ConfigReader {
  constructor(
    private readonly config: LayerConfig,
    private readonly where = `${config.type} config`,
  ) {}

  private fail(key: string, expected: string): never {
    const got = JSON.stringify(this.config[key]);
    throw new TypeError(`${this.where}: '${key}' must be ${expected}, got ${got ?? 'nothing'}`);
  }

  /** A finite number, or `fallback` when absent. */
  number(key: string, fallback?: number): number {
    const v = this.config[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'a number');
    return v;
  }

  /** A positive integer. */
  positiveInt(key: string, fallback?: number): number {
    const v = this.number(key, fallback);
    if (!Number.isInteger(v) || v < 1) this.fail(key, 'a positive integer');
    return v;
  }

  /** A boolean. */
  boolean(key: string, fallback?: boolean): boolean {
    const v = this.config[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }

  /** A string, or `fallback` when absent. */
  string(key: string, fallback?: string): string {
    const v = this.config[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string') this.fail(key, 'a string');
    return v;
  }

  /** A positive integer or a pair of them (`3` or `[3, 3]`). */
  size2d(key: string, fallback?: number | [number, number]): number | [number, number] {
    const v: JsonValue | undefined = this.config[key] ?? fallback;
    if (isPosInt(v)) return v;
    if (Array.isArray(v) && v.length === 2 && isPosInt(v[0]) && isPosInt(v[1])) return [v[0], v[1]];
    return this.fail(key, 'a positive integer or a pair [h, w] of them');
  }

  /** Padding: a non-negative integer, a pair of them, `'same'` or `'valid'`. */
  padding(key: string): number | [number, number] | 'same' | 'valid' {
    const v = this.config[key] ?? 0;
    if (v === 'same' || v === 'valid') return v;
    if (isNonNegInt(v)) return v;
    if (Array.isArray(v) && v.length === 2 && isNonNegInt(v[0]) && isNonNegInt(v[1])) return [v[0], v[1]];
    return this.fail(key, "a non-negative integer, a pair [h, w], 'same' or 'valid'");
  }

  /** An optional positive integer (absent → undefined). */
  optionalPositiveInt(key: string): number | undefined {
    return this.config[key] === undefined || this.config[key] === null ? undefined : this.positiveInt(key);
  }
}

function isPosInt(v: JsonValue | undefined): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function isNonNegInt(v: JsonValue | undefined): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
