/** Number and time formatting shared by the dashboard and the text reporters. */

/** `83.4` → `"1:23"`, `3725` → `"1:02:05"`; `"-:--"` for unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Seconds for humans: `"0.8s"`, `"12s"`, `"2m 05s"`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m ${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
}

/** `0.98731` → `"98.73%"`. */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Thousands separators: `60000` → `"60,000"`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Learning rates and losses: 4 significant digits, exponent when tiny (`1.000e-5`). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(3);
  return x.toPrecision(4);
}
