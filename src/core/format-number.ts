/** 1.2346, or 1.235e+5 for large and tiny magnitudes: how every message and table prints a figure. */
export function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(digits - 1) : String(+v.toFixed(digits));
}
