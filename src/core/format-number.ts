/** How a figure is printed: significant digits after the point, and when to switch to exponents. */
export interface NumberFormat {
  /** Digits after the decimal point. Default 4. */
  digits?: number;
  /** Drop trailing zeros (`0.5`, not `0.5000`). Default true; tables keep them to align. */
  trim?: boolean;
  /** |v| at or above this is written with an exponent. Default 1e4. */
  large?: number;
  /** Non-zero |v| below this is written with an exponent. Default 1e-3; 0 never. */
  small?: number;
  /** Digits after the point of an exponent's mantissa. Default `digits - 1`. */
  exponentDigits?: number;
}

/**
 * The one number formatter of messages, tables and reports: 1.2346, or 1.235e+5 for large and
 * tiny magnitudes; NaN and ±Infinity by name.
 */
export function fmt(v: number, format: number | NumberFormat = {}): string {
  const { digits = 4, trim = true, large = 1e4, small = 1e-3, exponentDigits = digits - 1 } = typeof format === 'number' ? { digits: format } : format;
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= large || (v !== 0 && Math.abs(v) < small)) return v.toExponential(exponentDigits);
  return trim ? String(+v.toFixed(digits)) : v.toFixed(digits);
}

/** A table cell: the figure, or '-' when there is none. */
export function cell(v: number | null | undefined, format: number | NumberFormat = {}): string {
  return v === null || v === undefined ? '-' : fmt(v, format);
}
